import type { Transaction } from '@hookline/db';
import type { QueueClient } from './boss';
import { bossDb } from './db-adapter';
import type { DeliveryJob } from './jobs';
import { deliveryQueue } from './names';

export type DeliveryJobToInsert = {
  deliveryId: string;
  attempt: number;
  /** An operator asked for it (retry, replay, resend) rather than the schedule. */
  manual?: boolean;
  /** How many times this attempt was put back because its endpoint was congested (a deferral). */
  deferrals?: number;
  /** Not before this time; absent means now. */
  startAfter?: Date;
  /** Chosen by the caller when it must know the job before it exists (a watchdog); otherwise pg-boss picks one. */
  id?: string;
};

/**
 * The one place delivery jobs are inserted. Every producer goes through here (publish fan-out, resend,
 * the retry schedule, retry and replay, the worker's deferrals and watchdogs), so the job payload has
 * one shape and one version tag.
 *
 * With `tx`, the jobs are inserted inside the caller's transaction and exist exactly when the rows
 * that need them commit. Without it they commit on their own, at once: the worker's deferrals and
 * watchdogs, which guard jobs rather than rows.
 */
export async function insertDeliveryJobs(
  boss: QueueClient,
  jobs: DeliveryJobToInsert[],
  { tx }: { tx?: Transaction } = {},
): Promise<void> {
  if (jobs.length === 0) return;
  await boss.insert(
    deliveryQueue,
    jobs.map((job) => {
      const data: DeliveryJob = {
        v: 1,
        deliveryId: job.deliveryId,
        attempt: job.attempt,
        ...(job.manual ? { manual: true } : {}),
        ...(job.deferrals ? { deferrals: job.deferrals } : {}),
      };
      return {
        data,
        ...(job.id ? { id: job.id } : {}),
        ...(job.startAfter ? { startAfter: job.startAfter } : {}),
      };
    }),
    tx ? { db: bossDb(tx) } : undefined,
  );
}
