import type { Log } from '@hookline/log';
import { nextAttemptAt, type AttemptRecord } from './attempt-record';
import { attemptKey } from './load-deliveries';

/**
 * One line per recorded attempt, naming its delivery, endpoint and attempt number: a success at
 * `debug` (the attempts table already has it), a failure at `warn` whether it will be retried or
 * dead-lettered. An attempt that did not land was recorded (and logged) by another job.
 */
export function logAttempts(records: AttemptRecord[], landed: Set<string>, log: Log): void {
  for (const record of records) {
    if (!landed.has(attemptKey(record.deliveryId, record.attempt))) continue;
    const { outcome, decision } = record;
    const fields = {
      deliveryId: record.deliveryId,
      endpointId: record.endpointId,
      eventId: record.eventId,
      attempt: record.attempt,
      status: outcome.status,
      ms: outcome.durationMs,
    };
    if (outcome.kind === 'success') {
      log.debug('attempt delivered', fields);
      continue;
    }
    const failure = { ...fields, errorClass: outcome.errorClass, error: outcome.error, rule: decision.rule };
    if (decision.kind === 'give-up') {
      log.warn('delivery dead-lettered', { ...failure, reason: decision.reason });
    } else {
      log.warn('attempt failed; retrying', { ...failure, nextAttemptAt: nextAttemptAt(record)?.toISOString() });
    }
  }
}
