import type { Database } from '@hookline/db';
import type { JobResult } from 'pg-boss';
import { attemptKey, loadRecordedAttempts } from './load-deliveries';
import type { DeliveryWork } from './parse-jobs';
import { isGiveUpRule } from './retry-policy';

/**
 * Jobs whose attempt is already recorded. If this very job recorded it, its worker died between the
 * commit and settling the job: settle it the way that worker would have, dead letter included. Any
 * other job for a recorded attempt is a duplicate (a manual retry beside the scheduled attempt, a
 * redriven dead letter): done, nothing sent.
 */
export async function settleRepeats(db: Database, repeats: DeliveryWork[]): Promise<JobResult[]> {
  const recorded = await loadRecordedAttempts(
    db,
    repeats.map(({ data }) => ({ deliveryId: data.deliveryId, attempt: data.attempt })),
  );
  return repeats.map(({ job, data, row }) => {
    const attempt = recorded.get(attemptKey(data.deliveryId, data.attempt));
    // Only while that give-up is still the delivery's last word: a retry since then supersedes it.
    const stillDeadLetter = row.delivery.status === 'failed' && row.delivery.attemptCount === data.attempt;
    if (attempt?.jobId === job.id && isGiveUpRule(attempt.rule) && stillDeadLetter) {
      return {
        id: job.id,
        status: 'deadletter',
        output: {
          deliveryId: data.deliveryId,
          error: attempt.error,
          rule: attempt.rule,
          attempts: data.attempt,
          recoveredAfterRestart: true,
        },
      };
    }
    return {
      id: job.id,
      status: 'completed',
      output: {
        skipped:
          attempt?.jobId === job.id
            ? 'attempt recorded before a worker restart'
            : `attempt ${data.attempt} was already made`,
      },
    };
  });
}
