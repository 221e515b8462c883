import type { AttemptTrigger } from '@hookline/db';
import type { AttemptOutcome } from './attempt-outcome';
import type { RetryDecision } from './retry-policy';

/**
 * One attempt as the worker made it, ready to be recorded: what was sent, how it came out and what
 * the retry policy decided. Shared by the batch (which makes it), the recording transaction and the
 * endpoint-health update, so none of those imports another for the type.
 */
export type AttemptRecord = {
  /** The pg-boss job that made the attempt. */
  jobId: string;
  deliveryId: string;
  appId: string;
  eventId: string;
  /** When the event was stored: the delivery lag is measured from here. */
  eventCreatedAt: Date;
  endpointId: string;
  /** The delivery's ordering key: ending it lets the next one of its line go (docs/ordering.md). */
  orderingKey: string | null;
  attempt: number;
  trigger: AttemptTrigger;
  startedAt: Date;
  outcome: AttemptOutcome;
  decision: RetryDecision;
  /** The endpoint's failure count when the batch was loaded; the health update re-reads it under lock. */
  endpointFailuresHint: number;
};

/** When the next attempt is due, for a retry; null otherwise. */
export function nextAttemptAt(record: AttemptRecord): Date | null {
  if (record.decision.kind !== 'retry') return null;
  return new Date(record.startedAt.getTime() + record.outcome.durationMs + record.decision.delayMs);
}
