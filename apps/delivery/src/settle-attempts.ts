import type { JobResult } from 'pg-boss';
import type { AttemptRecord } from './attempt-record';
import { attemptKey } from './load-deliveries';

/**
 * Each recorded attempt's job result. A give-up is settled as `deadletter`: pg-boss copies the job,
 * with this output as `source_output`, into the dead-letter queue, where operators (and the API's
 * dead-letter listing) read the error and rule. An attempt that did not land was recorded by another
 * job meanwhile, and its job only stands down.
 */
export function settleAttempts(records: AttemptRecord[], landed: Set<string>): JobResult[] {
  return records.map((record): JobResult => {
    if (!landed.has(attemptKey(record.deliveryId, record.attempt))) {
      return {
        id: record.jobId,
        status: 'completed',
        output: { skipped: `attempt ${record.attempt} was recorded by another job meanwhile` },
      };
    }
    if (record.decision.kind === 'give-up') {
      const error = record.outcome.kind === 'failure' ? record.outcome.error : 'unknown';
      return {
        id: record.jobId,
        status: 'deadletter',
        output: {
          deliveryId: record.deliveryId,
          error,
          rule: record.decision.rule,
          reason: record.decision.reason,
          attempts: record.attempt,
        },
      };
    }
    return {
      id: record.jobId,
      status: 'completed',
      output: { status: record.outcome.status, rule: record.decision.rule },
    };
  });
}
