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
  /**
   * After each full chunk, rest this many times as long as the chunk took (default 1: the sweep works
   * at most half the time). A backlog (retention just enabled or shortened, a million rows) is then
   * removed at half the speed, and takes half as much of the CPU and disk that deliveries need.
   */
  restFactor?: number;
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
  const { retentionSeconds, chunkSize = defaultChunkSize, maxChunks = defaultMaxChunks, restFactor = 1 } = options;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - retentionSeconds * 1000);
  const failedCutoff = new Date(cutoff.getTime() - deadLetterGraceSeconds(retentionSeconds) * 1000);
  const result: SweepResult = { skipped: false, chunks: 0, events: 0, deliveries: 0, attempts: 0 };
  // Events older than this were looked at by an earlier chunk of this run; those still here are live.
  let from = new Date(0);
  while (result.chunks < maxChunks && !options.signal?.aborted) {
    const chunkStarted = performance.now();
    const chunk = await db.transaction(async (tx) => {
      if (!(await tryBackgroundLock(tx, backgroundLocks.retentionSweep))) return null;
      // Deliveries and attempts are deleted explicitly (not left to ON DELETE CASCADE) so the counts are known;
      // the cascades then find nothing left to do.
      const [row] = (await tx.execute(sql`
        with doomed as (
          select e.id from events e
           where e.created_at < ${cutoff.toISOString()}::timestamptz
             and e.created_at >= ${from.toISOString()}::timestamptz
             and not exists (
                   select 1 from deliveries d
                    where d.event_id = e.id
                      and (d.status = 'pending'
                           or (d.status = 'failed' and d.updated_at >= ${failedCutoff.toISOString()}::timestamptz)))
           order by e.created_at
           limit ${chunkSize}
             for update of e skip locked
        ),
        -- Each delete probes its index with the chunk's ids as an array (= any): written as a join, the
        -- planner misjudged the chunk's size with a large table and scanned all of deliveries and attempts
        -- for every chunk (a second per 500 events at a million rows, so a backlog took quadratic time).
        gone_deliveries as (
          delete from deliveries d where d.event_id = any(array(select id from doomed)) returning d.id
        ),
        gone_attempts as (
          delete from attempts a where a.delivery_id = any(array(select id from gone_deliveries)) returning 1
        ),
        gone_events as (
          delete from events e where e.id = any(array(select id from doomed)) returning e.created_at
        )
        select (select count(*) from gone_events)::int as events,
               (select count(*) from gone_deliveries)::int as deliveries,
               (select count(*) from gone_attempts)::int as attempts,
               (select max(created_at) from gone_events) as newest`)) as unknown as {
        events: number;
        deliveries: number;
        attempts: number;
        newest: string | Date | null;
      }[];
      return row!;
    });
    if (chunk === null) return { ...result, skipped: result.chunks === 0 };
    result.chunks += 1;
    result.events += chunk.events;
    result.deliveries += chunk.deliveries;
    result.attempts += chunk.attempts;
    if (chunk.events < chunkSize || chunk.newest === null) break;
    from = new Date(chunk.newest);
    // An abort (a shutdown) ends the rest early; the loop then stops.
    await sleep((performance.now() - chunkStarted) * restFactor, undefined, { signal: options.signal }).catch(() => {});
  }
  return result;
}
