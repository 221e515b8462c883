import type { Transaction } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { isNotSent } from './attempt-outcome';
import type { AttemptRecord } from './attempt-record';
import { lockedThrottlesOfR } from './lock-throttles';

/** Leases an endpoint's lanes held and now give back, with the pace its slots were handed out at. */
export type SlotRelease = { endpointId: string; leaseIds: string[]; intervalMs: number | null };

// Weight of the newest batch in an endpoint's moving average of request duration: a few batches
// follow a receiver that slows down or recovers, one odd batch does not swing it.
const requestMsWeight = 0.3;

/**
 * Gives back the leases of lanes that are done, inside the transaction that records their attempts
 * (no round trip of its own when nothing else changes), and updates what the next claims read: the
 * endpoint's moving average of request duration, and its slot pointer, pushed past the latest actual
 * start (pointer = max(pointer, last start + interval)), so a request that started late moves the
 * next slots instead of crowding them. Rows are locked in id order, as claims lock them.
 */
export async function releaseSlots(
  tx: Transaction,
  records: AttemptRecord[],
  releases: SlotRelease[],
  toDatabaseTime: (localMs: number) => number,
) {
  const byEndpoint = new Map<string, { leaseIds: string[]; intervalMs: number | null; starts: number; ms: number[] }>();
  for (const r of releases) {
    const entry = byEndpoint.get(r.endpointId) ?? { leaseIds: [], intervalMs: r.intervalMs, starts: 0, ms: [] };
    entry.leaseIds.push(...r.leaseIds);
    byEndpoint.set(r.endpointId, entry);
  }
  for (const record of records) {
    const entry = byEndpoint.get(record.endpointId);
    // Not-sent outcomes (a disabled endpoint, an unconvertible event) made no request: nothing to learn.
    if (!entry || (record.outcome.kind === 'failure' && isNotSent(record.outcome.errorClass))) continue;
    entry.starts = Math.max(entry.starts, record.startedAt.getTime());
    entry.ms.push(record.outcome.durationMs);
  }
  if (byEndpoint.size === 0) return;
  const rows = [...byEndpoint].map(([endpointId, e]) => ({
    endpoint_id: endpointId,
    lease_ids: e.leaseIds,
    interval_ms: e.intervalMs,
    // The slot pointer is on the database's clock; the starts were stamped by this worker's.
    last_start: e.starts > 0 ? new Date(toDatabaseTime(e.starts)).toISOString() : null,
    mean_ms: e.ms.length > 0 ? e.ms.reduce((a, b) => a + b, 0) / e.ms.length : null,
  }));
  await tx.execute(sql`
    with r as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json)
        as r(endpoint_id text, lease_ids text[], interval_ms float8, last_start timestamptz, mean_ms float8)
    ),
    ${lockedThrottlesOfR}
    update endpoint_throttles t
       set leases = coalesce((select jsonb_agg(x) from jsonb_array_elements(t.leases) x
                               where not (x->>'id' = any(r.lease_ids))
                                 and (x->>'until')::timestamptz > clock_timestamp()), '[]'::jsonb),
           next_slot_at = case when r.last_start is null or r.interval_ms is null then t.next_slot_at
                               else greatest(t.next_slot_at, r.last_start + make_interval(secs => r.interval_ms / 1000)) end,
           request_ms = case when r.mean_ms is null then t.request_ms
                             when t.request_ms is null then r.mean_ms
                             else ${1 - requestMsWeight}::float8 * t.request_ms + ${requestMsWeight}::float8 * r.mean_ms end
      from r
     where t.endpoint_id = r.endpoint_id
       and t.endpoint_id in (select endpoint_id from locked)`);
}
