import type { Database } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { backgroundLocks, tryBackgroundLock } from './background-locks';
import { defaultDeliveryQueueSettings, type QueueClient } from './boss';
import { insertDeliveryJobs } from './insert-jobs';
import { deliveryQueue, queueSchema } from './names';
import { recordLostDeadLetters, type LostDeadLetter } from './record-lost-dead-letters';

/** A pending delivery that had no live job, and the job it was given. */
export type ReconciledDelivery = {
  deliveryId: string;
  attempt: number;
  /** The job the delivery named (deleted, completed or cancelled), or null when it named none. */
  lostJobId: string | null;
  lostJobState: string | null;
};

export type ReconcileResult = {
  /** Another process held the reconcile lock, so this one did nothing. */
  skipped: boolean;
  requeued: ReconciledDelivery[];
  /** Failed deliveries found without their dead letter, each now recording why (`dead_letter_lost`). */
  deadLetterLost: LostDeadLetter[];
};

// Orphans are rare; a run fixes this many at most and the next run takes the rest.
const defaultLimit = 1_000;

/**
 * Two checks, one process at a time. First, makes `pending` mean "will be attempted": finds pending deliveries whose next attempt is due but whose
 * job (`deliveries.job_id`) is no longer waiting, retrying or running in pg-boss — deleted by hand, removed
 * by pg-boss's retention, lost to a bug or a restore from backup — and enqueues their next attempt again.
 *
 * The check is a primary-key probe into pg-boss's delivery partition per due pending delivery (the
 * `deliveries_pending_due_idx` index), never a search of jobs by payload. A job dead-lettered by pg-boss
 * itself (state `failed`: it killed its worker retryLimit times) is not an orphan: it waits in the
 * dead-letter queue for an operator, and enqueueing it again would only kill more workers. Neither is a
 * keyed delivery waiting behind the head of its line (docs/ordering.md): only a lost head is repaired.
 *
 * Then makes a `failed` delivery without a dead letter say why (`recordLostDeadLetters`): pass the
 * dead-letter retention the queue was created with, so a dead letter removed on schedule reads `expired`.
 *
 * One process at a time (an advisory lock held for the run's transaction); the rows are locked too,
 * so a delivery recorded meanwhile is not enqueued twice. A duplicate job would still be harmless: the
 * worker settles a job whose attempt is already recorded without sending.
 */
export async function reconcileDeliveries(
  db: Database,
  boss: QueueClient,
  {
    limit = defaultLimit,
    deadLetterRetentionSeconds = defaultDeliveryQueueSettings.deadLetterRetentionSeconds,
  }: { limit?: number; deadLetterRetentionSeconds?: number } = {},
): Promise<ReconcileResult> {
  return db.transaction(async (tx) => {
    if (!(await tryBackgroundLock(tx, backgroundLocks.reconcile))) {
      return { skipped: true, requeued: [], deadLetterLost: [] };
    }
    const orphans = (await tx.execute(sql`
      select d.id, d.attempt_count, d.job_id,
             (select j.state::text from ${sql.identifier(queueSchema)}.job j
               where j.name = ${deliveryQueue} and j.id = d.job_id) as job_state
        from deliveries d
       where d.status = 'pending'
         and coalesce(d.next_attempt_at, d.created_at) <= now()
         and not exists (
               select 1 from ${sql.identifier(queueSchema)}.job j
                where j.name = ${deliveryQueue} and j.id = d.job_id
                  and j.state in ('created', 'retry', 'active', 'failed'))
         -- A keyed delivery behind its line's head waits without a job by design (ordering-lines.ts):
         -- only a head is an orphan.
         and (d.ordering_key is null
              or not exists (
                   select 1 from deliveries ahead
                    where ahead.endpoint_id = d.endpoint_id and ahead.ordering_key = d.ordering_key
                      and ahead.status = 'pending' and ahead.ordering_seq < d.ordering_seq))
       order by coalesce(d.next_attempt_at, d.created_at)
       limit ${limit}
         for update of d skip locked`)) as unknown as {
      id: string;
      attempt_count: number;
      job_id: string | null;
      job_state: string | null;
    }[];
    const requeued = orphans.map((o) => ({
      deliveryId: o.id,
      attempt: o.attempt_count + 1,
      lostJobId: o.job_id,
      lostJobState: o.job_state,
    }));
    await insertDeliveryJobs(
      boss,
      requeued.map((r) => ({ deliveryId: r.deliveryId, attempt: r.attempt })),
      { tx },
    );
    const deadLetterLost = await recordLostDeadLetters(tx, { deadLetterRetentionSeconds, limit });
    return { skipped: false, requeued, deadLetterLost };
  });
}
