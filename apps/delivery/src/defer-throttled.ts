import type { Database, Transaction } from '@hookline/db';
import { insertDeliveryJobs, type QueueClient } from '@hookline/pipeline';
import { sql } from 'drizzle-orm';
import type { JobResult } from 'pg-boss';
import type { SlotClaim } from './claim-slots';
import type { DeliveryWork } from './parse-jobs';
import { congestedDeferralMs, intervalFor, throttleSettings } from './throttle-plan';
import { lockedThrottlesOfR } from './lock-throttles';

export type DeferOptions = {
  db: Database;
  boss: QueueClient;
  /** The batch's claims: each endpoint's recent request duration. */
  claims: Map<string, SlotClaim>;
  now: Date;
  requestTimeoutMs: number;
  random: () => number;
};

type Line = {
  endpointId: string;
  jobs: DeliveryWork[];
  /** Between one job's turn and the next. */
  intervalMs: number;
  /** A rate-limited endpoint's jobs queue behind its shared line; the others only behind each other. */
  paced: boolean;
  leadMs: number;
  congested: boolean;
};

/**
 * Puts jobs that found no slot back in the queue, each due about when its turn comes. A rate-limited
 * endpoint keeps a line of waiting jobs (`queue_until`) and each deferred job joins its end, 1/rate
 * after the previous (due a little before its slot), so jobs deferred by different batches and workers
 * come back one after another instead of together. A job that found every in-flight lease taken comes
 * back after the jobs ahead of it in its batch could have been sent: its place ÷ maxInFlight × the
 * endpoint's recent request duration (no shared line: leases free as fast as requests end, and a line
 * would only grow while every worker waits). An endpoint whose requests run into the timeout (a hanging
 * receiver) is congested: its jobs wait at least the request timeout, doubling per deferral up to 5
 * minutes, so a long outage's backlog is not fetched again and again.
 *
 * The copies are committed (with the line) before the batch settles the originals, so no moment exists
 * without a job. A deferral is not an attempt: nothing is recorded on the delivery and the endpoint's
 * health is not touched. Answers the originals' results.
 */
export async function deferThrottled(waiting: DeliveryWork[], options: DeferOptions): Promise<JobResult[]> {
  if (waiting.length === 0) return [];
  const { db, boss, now } = options;
  const lines = linesOf(waiting, options);
  const deferrals = await db.transaction(async (tx) => {
    const starts = await joinLines(
      tx,
      lines.filter((line) => line.paced),
    );
    const due = lines.flatMap((line) => {
      const from = starts.get(line.endpointId) ?? now.getTime();
      return line.jobs.map((work, position) => {
        const deferrals = (work.data.deferrals ?? 0) + 1;
        let at = Math.max(
          from + position * line.intervalMs - line.leadMs,
          now.getTime() + throttleSettings.minDeferralMs,
        );
        if (line.congested) {
          const { requestTimeoutMs, random } = options;
          at = Math.max(
            at,
            now.getTime() + congestedDeferralMs({ requestTimeoutMs, earlierDeferrals: deferrals - 1, random }),
          );
        }
        return { work, deferrals, startAfter: new Date(at) };
      });
    });
    await insertDeliveryJobs(
      boss,
      due.map(({ work: { data }, deferrals, startAfter }) => ({
        deliveryId: data.deliveryId,
        attempt: data.attempt,
        manual: data.manual,
        deferrals,
        startAfter,
      })),
      { tx },
    );
    return due;
  });
  return deferrals.map(({ work, startAfter }) => ({
    id: work.job.id,
    status: 'completed',
    output: { deferred: 'endpoint throttled', until: startAfter.toISOString() },
  }));
}

function linesOf(waiting: DeliveryWork[], { claims, requestTimeoutMs }: DeferOptions): Line[] {
  const lines = new Map<string, Line>();
  for (const work of waiting) {
    const endpoint = work.row.endpoint;
    const line = lines.get(endpoint.id);
    if (line) {
      line.jobs.push(work);
      continue;
    }
    const rateInterval = intervalFor(endpoint.rateLimit);
    const requestMs = claims.get(endpoint.id)?.requestMs ?? null;
    lines.set(endpoint.id, {
      endpointId: endpoint.id,
      jobs: [work],
      intervalMs: rateInterval ?? (requestMs ?? throttleSettings.unknownRequestMs) / endpoint.maxInFlight,
      paced: rateInterval !== null,
      leadMs: rateInterval === null ? 0 : throttleSettings.leadMs,
      congested: rateInterval === null && requestMs !== null && requestMs >= requestTimeoutMs / 2,
    });
  }
  return [...lines.values()];
}

/**
 * Moves each endpoint's end of line past its newly deferred jobs, in id order like every throttle
 * lock; answers where each endpoint's new jobs start (epoch ms). A rate-limited endpoint's line starts
 * no earlier than its next free slot.
 */
async function joinLines(tx: Transaction, lines: Line[]): Promise<Map<string, number>> {
  // Lease-starved jobs of endpoints without a rate limit join no line: no statement for them.
  if (lines.length === 0) return new Map();
  const rows = lines.map((l) => ({ endpoint_id: l.endpointId, span_ms: l.jobs.length * l.intervalMs }));
  const joined = (await tx.execute(sql`
    with r as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(endpoint_id text, span_ms float8)
    ),
    ${lockedThrottlesOfR}
    update endpoint_throttles t
       set queue_until = greatest(t.queue_until, t.next_slot_at, clock_timestamp()) + make_interval(secs => r.span_ms / 1000)
      from r
     where t.endpoint_id = r.endpoint_id
       and t.endpoint_id in (select endpoint_id from locked)
    returning t.endpoint_id, t.queue_until - make_interval(secs => r.span_ms / 1000) as line_from`)) as unknown as {
    endpoint_id: string;
    line_from: Date | string;
  }[];
  return new Map(joined.map((row) => [row.endpoint_id, new Date(row.line_from).getTime()]));
}
