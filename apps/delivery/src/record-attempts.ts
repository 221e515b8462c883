import { newId, type Database, type Transaction } from '@hookline/db';
import {
  advanceLines,
  insertDeliveryJobs,
  lockLines,
  publishOperationalEvents,
  type Line,
  type OperationalFact,
  type QueueClient,
} from '@hookline/pipeline';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { nextAttemptAt, type AttemptRecord } from './attempt-record';
import { updateEndpointHealth, type EndpointHealthSettings } from './endpoint-health';
import { attemptKey } from './load-deliveries';
import { releaseSlots, type SlotRelease } from './release-slots';

export type RecordAttemptsOptions = {
  db: Database;
  boss: QueueClient;
  health: EndpointHealthSettings;
  /** Where operational events go; null sends none. */
  operatorAppId: string | null;
  now: Date;
  /** In-flight leases whose lanes are done, given back in the same transaction (see release-slots.ts). */
  releases: SlotRelease[];
  /** An attempt's start on this worker's clock, on the database's (see database-clock.ts). */
  toDatabaseTime: (localMs: number) => number;
};

const deliveryStatusAfter = { delivered: 'delivered', retry: 'pending', 'give-up': 'failed' } as const;

/**
 * Records a batch of attempts in one transaction: the attempt rows and each delivery's new state (one
 * statement), the jobs for the next attempts, the job of the next
 * delivery in line behind each keyed delivery that ended (docs/ordering.md), the endpoints' health, and
 * the operational events all that caused. A crash before the commit leaves the jobs
 * active, so pg-boss hands them out again and nothing is lost; a crash after it leaves them to be
 * settled by their re-run (see settle-repeats.ts).
 *
 * Returns the keys (`deliveryId:attempt`) of the attempts that landed. One that did not was recorded
 * meanwhile by another job for the same attempt; its outcome is dropped whole, so a duplicate never
 * schedules a second retry or counts a failure twice.
 */
export async function recordAttempts(records: AttemptRecord[], options: RecordAttemptsOptions): Promise<Set<string>> {
  const { db, releases } = options;
  if (records.length === 0 && releases.length === 0) return new Set();
  return db.transaction(async (tx) => {
    // First, before any row or endpoint lock (see ordering-lines.ts): a publish appending to one of
    // these lines waits for this commit, or this waits for its.
    await lockLines(tx, endedLines(records));
    const landed = records.length === 0 ? new Set<string>() : await recordInTransaction(tx, records, options);
    // Last, so the throttle rows are locked for the shortest time; every recording locks them after
    // the endpoints (health), in id order, and claims lock nothing else: no lock cycle.
    await releaseSlots(tx, records, releases, options.toDatabaseTime);
    return landed;
  });
}

async function recordInTransaction(
  tx: Transaction,
  records: AttemptRecord[],
  { boss, health, operatorAppId, now }: RecordAttemptsOptions,
): Promise<Set<string>> {
  // The next attempt's job id is chosen here so the statement below records it on the delivery; a
  // delivery that is settled keeps the job that settled it (a give-up's dead letter names it as its source).
  const nextJobs = new Map(
    records.flatMap((r) => (nextAttemptAt(r) ? [[attemptKey(r.deliveryId, r.attempt), randomUUID()] as const] : [])),
  );
  // The whole batch travels as one JSON parameter (json_to_recordset), not a parameter per value:
  // the statement and its plan stay the same whatever the batch size, and building it is cheap.
  const rows = records.map((r) => ({
    id: newId('atm'),
    delivery_id: r.deliveryId,
    number: r.attempt,
    started_at: r.startedAt.toISOString(),
    duration_ms: r.outcome.durationMs,
    response_status: r.outcome.status,
    response_body: r.outcome.body,
    error: r.outcome.kind === 'failure' ? r.outcome.error : null,
    error_class: r.outcome.kind === 'failure' ? r.outcome.errorClass : null,
    rule: r.decision.rule,
    next_attempt_at: nextAttemptAt(r)?.toISOString() ?? null,
    trigger: r.trigger,
    job_id: r.jobId,
    status: deliveryStatusAfter[r.decision.kind],
    next_job_id: nextJobs.get(attemptKey(r.deliveryId, r.attempt)) ?? null,
  }));
  // One statement: the attempt rows, and the new state of each delivery whose attempt row landed (a
  // data-modifying WITH runs to completion whether or not it is read). GREATEST keeps a late, lower
  // attempt from moving the count backwards.
  const inserted = (await tx.execute(sql`
    with x as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json) as x(
        id text, delivery_id text, number int, started_at timestamptz, duration_ms int, response_status int,
        response_body text, error text, error_class text, rule text, next_attempt_at timestamptz, trigger text,
        job_id text, status text, next_job_id uuid)
    ),
    inserted as (
      insert into attempts (id, delivery_id, number, started_at, duration_ms, response_status, response_body,
                            error, error_class, rule, next_attempt_at, trigger, job_id)
      select id, delivery_id, number, started_at, duration_ms, response_status, response_body,
             error, error_class, rule, next_attempt_at, trigger, job_id
        from x
      on conflict (delivery_id, number) do nothing
      returning delivery_id, number
    ),
    updated as (
      update deliveries d
         set status = x.status,
             attempt_count = greatest(d.attempt_count, x.number),
             next_attempt_at = x.next_attempt_at,
             last_attempt_at = x.started_at,
             job_id = coalesce(x.next_job_id, x.job_id::uuid),
             updated_at = now()
        from x join inserted i on i.delivery_id = x.delivery_id and i.number = x.number
       where d.id = x.delivery_id
    )
    select delivery_id, number from inserted`)) as unknown as { delivery_id: string; number: number }[];
  const landedKeys = new Set(inserted.map((row) => attemptKey(row.delivery_id, row.number)));
  const landed = records.filter((r) => landedKeys.has(attemptKey(r.deliveryId, r.attempt)));
  if (landed.length === 0) return landedKeys;

  await insertDeliveryJobs(
    boss,
    landed.flatMap((r) => {
      const startAfter = nextAttemptAt(r);
      const id = nextJobs.get(attemptKey(r.deliveryId, r.attempt));
      return startAfter && id ? [{ id, deliveryId: r.deliveryId, attempt: r.attempt + 1, startAfter }] : [];
    }),
    { tx, jobIdsRecorded: true },
  );
  // A line whose head's attempt did not land (a duplicate) finds that head still pending: nothing moves.
  await advanceLines(tx, boss, endedLines(landed));

  const facts: OperationalFact[] = await updateEndpointHealth(tx, landed, health, now);
  for (const r of landed) {
    // A disabled endpoint's leftovers are reported once, by its endpoint.disabled event.
    if (r.decision.kind !== 'give-up' || r.decision.rule === 'endpoint_disabled') continue;
    facts.push({
      type: 'delivery.exhausted',
      data: {
        deliveryId: r.deliveryId,
        eventId: r.eventId,
        endpointId: r.endpointId,
        appId: r.appId,
        attempts: r.attempt,
        ...(r.outcome.kind === 'failure' ? { lastError: r.outcome.error } : {}),
      },
    });
  }
  await publishOperationalEvents(tx, boss, operatorAppId, facts);
  return landedKeys;
}

/** The ordering lines whose head these attempts end (delivered or given up): each line's next goes next. */
const endedLines = (records: AttemptRecord[]): Line[] =>
  records.flatMap((r) =>
    r.orderingKey !== null && r.decision.kind !== 'retry'
      ? [{ endpointId: r.endpointId, orderingKey: r.orderingKey }]
      : [],
  );
