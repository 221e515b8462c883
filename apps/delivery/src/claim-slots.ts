import type { Database } from '@hookline/db';
import { sql } from 'drizzle-orm';
import type { DatabaseClock } from './database-clock';
import { throttleSettings } from './throttle-plan';

/** What a batch asks of one endpoint: slots for `jobs` requests under its limits. */
export type SlotDemand = {
  endpointId: string;
  jobs: number;
  /** Milliseconds between request starts (`intervalFor` in throttle-plan.ts); null without a rate limit. */
  intervalMs: number | null;
  maxInFlight: number;
};

/** What one endpoint granted: a lease per lane, and for a rate-limited endpoint the first slot's time. */
export type SlotClaim = {
  /** One in-flight lease per lane the batch may run; empty when every slot is taken. */
  leaseIds: string[];
  /**
   * When the first kept job may start (job i at firstSlot + i × interval), on this worker's clock; null
   * without a rate limit.
   */
  firstSlot: Date | null;
  /** How many of the endpoint's jobs the lanes send; the rest wait in the queue. */
  jobs: number;
  /** The endpoint's recent request duration (a moving average), null before its first recorded attempt. */
  requestMs: number | null;
};

export type ClaimSettings = {
  /** A lease neither renewed (lease-keeper.ts) nor released by then is free again: its worker died. */
  leaseMs: number;
  /** Reads the offset of this worker's clock from the database's, and moves the slots onto it. */
  clock: DatabaseClock;
};

type ClaimRow = {
  endpoint_id: string;
  lease_ids: string[];
  first_slot: Date | string | null;
  jobs: number;
  request_ms: number | null;
  /** The database's clock as the claim ended, in epoch ms. */
  claimed_at_ms: number | string;
};

/**
 * Claims in-flight leases and, for rate-limited endpoints, start slots, for every endpoint of a batch in
 * one statement (one round trip). Each endpoint's throttle row is locked in id order (two batches never
 * deadlock), its expired leases are dropped, and it grants lanes from its free leases; a rate-limited
 * endpoint hands out the slots due within the horizon, and its slot pointer moves past them.
 * An endpoint's first claim creates its row (one more round trip, once per endpoint).
 */
export async function claimSlots(
  db: Database,
  demands: SlotDemand[],
  settings: ClaimSettings,
): Promise<Map<string, SlotClaim>> {
  const claims = new Map<string, SlotClaim>();
  if (demands.length === 0) return claims;
  for (const claim of await claimOnce(db, demands, settings)) claims.set(claim.endpointId, claim);
  const missing = demands.filter((d) => !claims.has(d.endpointId));
  if (missing.length > 0) {
    // Only endpoints that still exist: one deleted since its batch was loaded is skipped by its jobs' re-run.
    await db.execute(sql`
      insert into endpoint_throttles (endpoint_id)
      select id from endpoints
       where id in (select json_array_elements_text(${JSON.stringify(missing.map((d) => d.endpointId))}::json))
      on conflict (endpoint_id) do nothing`);
    for (const claim of await claimOnce(db, missing, settings)) claims.set(claim.endpointId, claim);
  }
  return claims;
}

/**
 * One claim statement, its slots moved onto this worker's clock. The slots are the database's times,
 * and a worker's clock can be off from it: one ahead by more than the slot lead would take every slot
 * for missed and never send to a rate-limited endpoint. The offset is read across the round trip, against
 * the database's clock as the statement ended, so what is left of it (the way back) puts the slots a
 * little later, never earlier.
 */
async function claimOnce(db: Database, demands: SlotDemand[], settings: ClaimSettings) {
  const rows = await claimStatement(db, demands, settings);
  const { clock } = settings;
  if (rows[0]) clock.observe(Number(rows[0].claimed_at_ms), clock.local());
  return rows.map((row) => ({
    endpointId: row.endpoint_id,
    leaseIds: row.lease_ids ?? [],
    firstSlot: row.first_slot === null ? null : new Date(clock.toLocal(new Date(row.first_slot).getTime())),
    jobs: Number(row.jobs),
    requestMs: row.request_ms === null ? null : Number(row.request_ms),
  }));
}

async function claimStatement(db: Database, demands: SlotDemand[], settings: ClaimSettings) {
  const demand = demands.map((d) => ({
    endpoint_id: d.endpointId,
    jobs: d.jobs,
    interval_ms: d.intervalMs,
    max_in_flight: d.maxInFlight,
  }));
  // The settings are written into the statement as numbers, not sent as parameters: with only the
  // demand as a parameter, PostgreSQL plans the prepared statement once and reuses the plan (a plan with
  // the constants as parameters looked dearer than one planned for each call's values, so it planned
  // every call again: 0.5 ms a batch, more than running it).
  const slotLeadMs = constant(throttleSettings.slotLeadMs);
  const slotsPerLane = constant(throttleSettings.slotsPerLane);
  const unknownRequestMs = constant(throttleSettings.unknownRequestMs);
  const leaseMs = constant(settings.leaseMs);
  // Slots further ahead than this are not handed out: those jobs wait in the queue, not in the worker.
  const horizonMs = constant(throttleSettings.horizonMs);
  // clock_timestamp(), not now(): a claim may wait for another's row lock, and slots count from when it got it.
  return (await db.execute(sql`
    with demand as (
      select * from json_to_recordset(${JSON.stringify(demand)}::json)
        as d(endpoint_id text, jobs int, interval_ms float8, max_in_flight int)
    ),
    locked as (
      select t.endpoint_id, t.next_slot_at, t.leases, t.request_ms
        from endpoint_throttles t
       where t.endpoint_id in (select endpoint_id from demand)
       order by t.endpoint_id
         for update
    ),
    live as (
      select l.endpoint_id, l.request_ms, d.jobs, d.interval_ms, d.max_in_flight, c.at,
             greatest(l.next_slot_at, c.at + make_interval(secs => ${slotLeadMs}::float8 / 1000)) as first_slot,
             coalesce((select jsonb_agg(x) from jsonb_array_elements(l.leases) x
                        where (x->>'until')::timestamptz > c.at), '[]'::jsonb) as live_leases
        from locked l
        join demand d using (endpoint_id)
        cross join lateral (select clock_timestamp() as at) c
    ),
    due as (
      select v.*, greatest(0, v.max_in_flight - jsonb_array_length(v.live_leases)) as free,
             case when v.interval_ms is null then v.jobs
                  else greatest(0, least(v.jobs, floor(extract(epoch from (v.at - v.first_slot)) * 1000 / v.interval_ms
                                                      + ${horizonMs}::float8 / v.interval_ms)::int + 1)) end as within
        from live v
    ),
    -- Without a rate limit: half the free leases (at least one), up to one per job, and every job is
    -- kept: a lane sends any number of jobs, so batches claiming at the same moment each get a lane
    -- and send, instead of the first taking every lease and the others deferring all. With one:
    -- the slots due within the horizon, over as few lanes as keep pace with the endpoint's request
    -- duration (each lane sends at most slotsPerLane of them, one after another).
    granted as (
      select d.*, least(d.free, d.within,
                        case when d.interval_ms is null then ceil(d.free / 2.0)::int
                             else greatest(ceil(d.within / ${slotsPerLane}::int),
                                           ceil(coalesce(d.request_ms, ${unknownRequestMs}::float8) / d.interval_ms) + 1)::int end
             ) as lanes
        from due d
    ),
    -- Each new lease names its lane (1..lanes), which nothing reads back: it is there because an aggregate
    -- whose arguments name only the outer query's columns belongs to the outer query, so without a column
    -- of generate_series in it jsonb_agg would aggregate the whole statement and the claim would fail.
    leased as (
      select g.*,
             coalesce((select jsonb_agg(jsonb_build_object(
                                'id', gen_random_uuid(),
                                'until', g.at + make_interval(secs => ${leaseMs}::float8 / 1000),
                                'lane', lane))
                         from generate_series(1, g.lanes) as lane), '[]'::jsonb) as new_leases
        from granted g
    )
    update endpoint_throttles t
       set leases = n.live_leases || n.new_leases,
           next_slot_at = case when n.interval_ms is null or n.lanes = 0 then t.next_slot_at
                               else n.first_slot + make_interval(secs => least(n.within, n.lanes * ${slotsPerLane}::int) * n.interval_ms / 1000) end
      from leased n
     where t.endpoint_id = n.endpoint_id
    returning t.endpoint_id,
              (select coalesce(array_agg(x->>'id'), '{}') from jsonb_array_elements(n.new_leases) x) as lease_ids,
              case when n.interval_ms is null then null else n.first_slot end as first_slot,
              case when n.lanes = 0 then 0
                   when n.interval_ms is null then n.jobs
                   else least(n.within, n.lanes * ${slotsPerLane}::int) end as jobs,
              n.request_ms,
              extract(epoch from clock_timestamp()) * 1000 as claimed_at_ms`)) as unknown as ClaimRow[];
}

/** A finite number as SQL text (never user input: the worker's own settings). */
function constant(value: number) {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return sql.raw(String(value));
}
