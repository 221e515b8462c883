import type { Database, Transaction } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
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
  /** Chosen by the caller when it must know the job before it exists (a watchdog); otherwise one is made here. */
  id?: string;
};

export type InsertDeliveryJobsTarget =
  /**
   * Inside the caller's transaction: the jobs exist exactly when the rows that need them commit.
   * `jobIdsRecorded` says the caller writes `deliveries.job_id` itself in a statement it runs anyway
   * (the publish insert, the attempt recording), which saves an UPDATE on the hot path.
   */
  | { tx: Transaction; jobIdsRecorded?: boolean }
  /** In a transaction of their own, committed at once: the worker's deferrals and watchdogs. */
  | { db: Database };

/**
 * The one place delivery jobs are inserted. Every producer goes through here (publish fan-out, resend,
 * the retry schedule, retry and replay, the worker's deferrals and watchdogs, the reconciler), so the
 * job payload has one shape and one version tag, and every delivery names its newest job in
 * `deliveries.job_id` in the same commit: a pending delivery whose job is not live is an orphan the
 * reconciler can find by primary key.
 */
export async function insertDeliveryJobs(
  boss: QueueClient,
  jobs: DeliveryJobToInsert[],
  target: InsertDeliveryJobsTarget,
): Promise<void> {
  if (jobs.length === 0) return;
  if ('db' in target) {
    await target.db.transaction((tx) => insertDeliveryJobs(boss, jobs, { tx }));
    return;
  }
  const { tx } = target;
  const withIds = jobs.map((job) => ({ ...job, id: job.id ?? randomUUID() }));
  await boss.insert(
    deliveryQueue,
    withIds.map((job) => {
      const data: DeliveryJob = {
        v: 1,
        deliveryId: job.deliveryId,
        attempt: job.attempt,
        ...(job.manual ? { manual: true } : {}),
        ...(job.deferrals ? { deferrals: job.deferrals } : {}),
      };
      return { data, id: job.id, ...(job.startAfter ? { startAfter: job.startAfter } : {}) };
    }),
    { db: bossDb(tx) },
  );
  if (target.jobIdsRecorded) return;
  const recorded = withIds.map((job) => ({ id: job.deliveryId, job_id: job.id }));
  await tx.execute(sql`
    update deliveries d set job_id = v.job_id
      from json_to_recordset(${JSON.stringify(recorded)}::json) as v(id text, job_id uuid)
     where d.id = v.id`);
}
