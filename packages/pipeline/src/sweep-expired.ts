import type { Database } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { backgroundLocks, tryBackgroundLock } from './background-locks';

export type SweepOptions = {
  /** Events older than this are removed with their deliveries and attempts (HOOKLINE_RETENTION_DAYS). */
  retentionSeconds: number;
  /** Events removed per transaction; each brings its deliveries and their attempts along. */
  chunkSize?: number;
  /** Stop after this many chunks; the next run continues (keeps one run from going on for ever). */
  maxChunks?: number;
  now?: Date;
  /** Stops between chunks once aborted (a worker shutting down); the next run continues. */
  signal?: AbortSignal;
};

export type SweepResult = {
  /** Another process held the sweep lock, so this one did nothing. */
  skipped: boolean;
  chunks: number;
  events: number;
  deliveries: number;
  attempts: number;
};

// Small enough that each transaction holds its row locks for milliseconds (≈500 events, their
// deliveries and attempts); publish never waits on them, since it only inserts new rows.
const defaultChunkSize = 500;
const defaultMaxChunks = 10_000;

/**
 * A failed delivery keeps its rows this much longer than the retention: its dead letter was created a
 * moment after the delivery was marked failed, expires `retention` later, and pg-boss deletes it at its
 * next maintenance. The dead letter must never outlive the rows it names.
 */
const deadLetterGraceSeconds = (retentionSeconds: number) => Math.min(3600, retentionSeconds);

/**
 * Removes events older than the retention with their deliveries and attempts (and so their idempotency
 * keys), oldest first, in chunks of one short transaction each. Never removed while live: an event with
 * a `pending` delivery (a retry is scheduled or running), or with a `failed` delivery whose dead letter
 * may still wait for an operator.
 *
 * Deletes take row locks only, on rows nothing else writes (old, settled), so publishing and delivering
 * go on while it runs. One process at a time: each chunk takes the sweep's advisory lock, and a process
 * that finds it taken stops (another one is sweeping).
 */
export async function sweepExpired(db: Database, options: SweepOptions): Promise<SweepResult> {
  const { retentionSeconds, chunkSize = defaultChunkSize, maxChunks = defaultMaxChunks } = options;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - retentionSeconds * 1000);
  const failedCutoff = new Date(cutoff.getTime() - deadLetterGraceSeconds(retentionSeconds) * 1000);
  const result: SweepResult = { skipped: false, chunks: 0, events: 0, deliveries: 0, attempts: 0 };
  // Where this run has looked so far, by (created_at, id): events up to here that are still present are
  // live, and the next chunk starts after them. The time travels as PostgreSQL's text, not a Date, which
  // would cut its microseconds and start the next chunk before events this one has already seen.
  let after = { createdAt: new Date(0).toISOString(), id: '' };
  while (result.chunks < maxChunks && !options.signal?.aborted) {
    const chunkStarted = performance.now();
    const chunk = await db.transaction(async (tx) => {
      if (!(await tryBackgroundLock(tx, backgroundLocks.retentionSweep))) return null;
      // The chunk's candidates come from the created_at index alone; which of them are live is then asked
      // of deliveries by event id, through deliveries_event_id_idx. Written as one `not exists` beside the
      // index scan, the planner took the pending and failed deliveries for a handful and scanned all of
      // deliveries for every chunk: 190 of a chunk's 210 ms at 900,000 deliveries.
      // Deliveries and attempts are deleted explicitly (not left to ON DELETE CASCADE) so the counts are
      // known; the cascades then find nothing left to do. Each delete probes its index with the ids as an
      // array (= any): written as a join, the planner misjudged the chunk's size on a large table.
      const [row] = (await tx.execute(sql`
        with candidates as (
          select e.id, e.created_at from events e
           where e.created_at < ${cutoff.toISOString()}::timestamptz
             and e.created_at >= ${after.createdAt}::timestamptz
             and (e.created_at > ${after.createdAt}::timestamptz or e.id > ${after.id})
           order by e.created_at, e.id
           limit ${chunkSize}
        ),
        live as (
          select d.event_id as id from deliveries d
           where d.event_id = any(array(select id from candidates))
             and (d.status = 'pending'
                  or (d.status = 'failed' and d.updated_at >= ${failedCutoff.toISOString()}::timestamptz))
        ),
        doomed as (
          select e.id from events e
           where e.id = any(array(select id from candidates except select id from live))
             for update of e skip locked
        ),
        gone_deliveries as (
          delete from deliveries d where d.event_id = any(array(select id from doomed)) returning d.id
        ),
        gone_attempts as (
          delete from attempts a where a.delivery_id = any(array(select id from gone_deliveries)) returning 1
        ),
        gone_events as (
          delete from events e where e.id = any(array(select id from doomed)) returning 1
        ),
        last_candidate as (
          select id, created_at from candidates order by created_at desc, id desc limit 1
        )
        select (select count(*) from candidates)::int as candidates,
               (select count(*) from gone_events)::int as events,
               (select count(*) from gone_deliveries)::int as deliveries,
               (select count(*) from gone_attempts)::int as attempts,
               (select id from last_candidate) as last_id,
               (select created_at::text from last_candidate) as last_created_at`)) as unknown as {
        candidates: number;
        events: number;
        deliveries: number;
        attempts: number;
        last_id: string | null;
        last_created_at: string | null;
      }[];
      return row!;
    });
    if (chunk === null) return { ...result, skipped: result.chunks === 0 };
    result.chunks += 1;
    result.events += chunk.events;
    result.deliveries += chunk.deliveries;
    result.attempts += chunk.attempts;
    if (chunk.candidates < chunkSize || chunk.last_id === null || chunk.last_created_at === null) break;
    after = { createdAt: chunk.last_created_at, id: chunk.last_id };
    // After each full chunk the sweep rests as long as the chunk took, so it works at most half the time:
    // a backlog (retention just enabled or shortened, a million rows) drains at half speed and leaves
    // the CPU and disk to deliveries. No rest after the run's last chunk. An abort (a shutdown) ends it early.
    if (result.chunks < maxChunks) {
      await sleep(performance.now() - chunkStarted, undefined, { signal: options.signal }).catch(() => {});
    }
  }
  return result;
}
