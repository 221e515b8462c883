import type { DeadLetterLostReason, Transaction } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { deadLetterQueue, deliveryQueue, queueSchema } from './names';

/** A failed delivery found without its dead letter, and why it is gone. */
export type LostDeadLetter = {
  deliveryId: string;
  /** The delivery's last job, which the dead letter was copied from. */
  jobId: string;
  reason: DeadLetterLostReason;
  /** When the delivery gave up (its dead letter was created then). */
  failedAt: Date;
};

/**
 * Finds `failed` deliveries whose dead letter no longer waits in the dead-letter queue and records why on
 * each (`deliveries.dead_letter_lost`): `expired` when the delivery gave up longer ago than the dead-letter
 * retention (pg-boss removed it on schedule), `removed` otherwise (deleted by hand, lost to a restore).
 * Without this an operator looking for a failed delivery's dead letter would find nothing and no reason.
 *
 * Index-backed, like the pending check: it walks only failed deliveries not yet recorded
 * (`deliveries_failed_unchecked_idx`), and for each probes pg-boss by job id, never by payload. pg-boss
 * copies a dead letter with `source_root_id` = the job it came from (the delivery's `job_id`), which its
 * index `job_i12` covers. A delivery whose job is still live (created, retry, active) is skipped: its
 * dead letter is created when that job is settled, which may come after the delivery was marked failed.
 * A recorded delivery is not probed again; retrying it clears the reason.
 */
export async function recordLostDeadLetters(
  tx: Transaction,
  { deadLetterRetentionSeconds, limit }: { deadLetterRetentionSeconds: number; limit: number },
): Promise<LostDeadLetter[]> {
  const job = sql.identifier(queueSchema);
  const rows = (await tx.execute(sql`
    with lost as (
      select d.id, d.job_id, d.updated_at
        from deliveries d
       where d.status = 'failed' and d.dead_letter_lost is null and d.job_id is not null
         and not exists (
               select 1 from ${job}.job j
                where j.name = ${deliveryQueue} and j.id = d.job_id and j.state in ('created', 'retry', 'active'))
         and not exists (
               select 1 from ${job}.job j
                where j.name = ${deadLetterQueue} and j.source_root_id = d.job_id and j.state = 'created')
       order by d.updated_at
       limit ${limit}
         for update of d skip locked
    )
    update deliveries d
       set dead_letter_lost = case
             when lost.updated_at < now() - make_interval(secs => ${deadLetterRetentionSeconds}) then 'expired'
             else 'removed' end
      from lost
     where d.id = lost.id
    returning d.id, d.job_id::text as job_id, d.dead_letter_lost, d.updated_at`)) as unknown as {
    id: string;
    job_id: string;
    dead_letter_lost: DeadLetterLostReason;
    updated_at: Date | string;
  }[];
  return rows.map((r) => ({
    deliveryId: r.id,
    jobId: r.job_id,
    reason: r.dead_letter_lost,
    failedAt: new Date(r.updated_at),
  }));
}
