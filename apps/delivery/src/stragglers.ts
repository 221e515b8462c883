import type { Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import { deliveryQueue, insertDeliveryJobs, type QueueClient } from '@hookline/pipeline';
import { randomUUID } from 'node:crypto';
import type { JobResult } from 'pg-boss';
import type { AttemptRecord } from './attempt-record';
import { missedSlot, type LaneResult } from './send-lanes';
import type { DeliveryWork } from './parse-jobs';
import type { SlotRelease } from './release-slots';
import { throttleSettings } from './throttle-plan';

// A watchdog job is due this long after its request's timeout, time enough to record the attempt
// first (which also brings the watchdog forward); it only acts alone when this process died.
const watchdogMarginMs = 15_000;

/**
 * A request still running (or waiting for its rate-limit slot) when its batch stopped waiting (see
 * batch-patience.ts), with the in-flight lease its lane holds until the attempt is recorded.
 */
export type Straggler = {
  work: DeliveryWork;
  /** A missed slot makes no attempt: the watchdog, brought forward, takes the job back to the queue. */
  attempt: Promise<LaneResult>;
  release: SlotRelease | null;
  /** How long it may wait for the requests ahead of it in its lane before its own starts. */
  aheadMs: number;
};

/**
 * Requests left running past their batch ("detached"). Each one's job is settled with the batch; a
 * watchdog job (a copy of it, due after the request's timeout) keeps the delivery safe if this
 * process dies first, and carries the dead letter if the attempt gives up. The attempt is recorded
 * under the watchdog's id when the request ends, and the watchdog is brought forward: it finds the
 * attempt made and only settles, or dead-letters a give-up.
 */
export function createStragglers({
  db,
  boss,
  log,
  record,
  requestTimeoutMs,
  now,
}: {
  db: Database;
  boss: QueueClient;
  log: Log;
  /** Records attempts the way the batch does, releasing the given leases (see record-attempts.ts). */
  record: (records: AttemptRecord[], releases: SlotRelease[]) => Promise<unknown>;
  /** The sender's timeout: a detached request is over by then, so its watchdog job runs after it. */
  requestTimeoutMs: number;
  now: () => Date;
}) {
  const detached = new Set<Promise<void>>();

  function keepRecording({ work, attempt, release }: Straggler, watchdogId: string) {
    const endpointId = work.row.delivery.endpointId;
    const recorded = attempt
      // A lease not released here (the recording failed) frees itself when it expires.
      .then((made) => record(missedSlot(made) ? [] : [{ ...made, jobId: watchdogId }], release ? [release] : []))
      // The attempt is recorded: the watchdog can run now, settling at once (or dead-lettering a give-up)
      // instead of after the request's timeout; after a missed slot it claims a new one.
      .then(() => boss.update(deliveryQueue, undefined, { id: watchdogId, startAfter: new Date() }))
      .then(
        () => undefined,
        (error: unknown) =>
          log.warn('detached attempt not recorded; its watchdog job will retry it', {
            deliveryId: work.data.deliveryId,
            endpointId,
            attempt: work.data.attempt,
            error,
          }),
      )
      .finally(() => {
        detached.delete(recorded);
      });
    detached.add(recorded);
  }

  return {
    /** Guards each straggler with a watchdog job, leaves it to finish, and answers its job's result. */
    detach: async (stragglers: Straggler[]): Promise<JobResult[]> => {
      if (stragglers.length === 0) return [];
      const watchdogs = stragglers.map(({ work: { data }, aheadMs }) => ({
        id: randomUUID(),
        deliveryId: data.deliveryId,
        attempt: data.attempt,
        manual: data.manual,
        deferrals: data.deferrals,
        // A rate-limited straggler may still wait for its slot, up to the throttle's horizon.
        startAfter: new Date(
          now().getTime() + throttleSettings.horizonMs + aheadMs + requestTimeoutMs + watchdogMarginMs,
        ),
      }));
      // Committed before this batch's jobs are settled, so no moment exists without a job.
      await insertDeliveryJobs(boss, watchdogs, { db });
      return stragglers.map((straggler, i) => {
        keepRecording(straggler, watchdogs[i]!.id);
        return { id: straggler.work.job.id, status: 'completed', output: { detached: watchdogs[i]!.id } };
      });
    },
    /** Waits for detached requests to end and be recorded (bounded by the request timeout). */
    drain: async () => {
      await Promise.allSettled([...detached]);
    },
  };
}
