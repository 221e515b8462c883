import type { AttemptOutcomeLabel, Metrics } from '@hookline/monitoring';
import { isNotSent } from './attempt-outcome';
import { attemptKey } from './load-deliveries';
import type { AttemptRecord } from './attempt-record';

const outcomeLabel: Record<AttemptRecord['decision']['kind'], AttemptOutcomeLabel> = {
  delivered: 'success',
  retry: 'retry',
  'give-up': 'dead',
};

/**
 * Counts the attempts that landed (a duplicate that did not is not counted twice): what came next,
 * the request's duration when one was sent, and for a success the lag since the event was stored.
 */
export function countRecorded(metrics: Metrics, records: AttemptRecord[], landed: Set<string>) {
  if (!metrics.enabled) return;
  for (const r of records) {
    if (!landed.has(attemptKey(r.deliveryId, r.attempt))) continue;
    const { outcome } = r;
    const sent = outcome.kind === 'success' || (!isNotSent(outcome.errorClass) && outcome.errorClass !== 'blocked');
    const finishedAt = r.startedAt.getTime() + outcome.durationMs;
    metrics.attemptRecorded({
      outcome: outcomeLabel[r.decision.kind],
      requestSeconds: sent ? outcome.durationMs / 1000 : null,
      lagSeconds: r.decision.kind === 'delivered' ? (finishedAt - r.eventCreatedAt.getTime()) / 1000 : null,
    });
  }
}
