import type { AttemptOutcome } from './attempt-outcome';

/**
 * Delay before each retry, in seconds (Svix's schedule): with the first attempt made at once,
 * attempt 8 fires about 27.6 h after the first. Each delay gets ±20 % jitter so a receiver that
 * comes back is not hit by every retry at the same instant.
 */
export const defaultRetrySchedule: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];
export const retryJitter = 0.2;

export type RetryDecision =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'give-up'; reason: string };

/** How many attempts a schedule allows: the first, plus one per delay. */
export const maxAttempts = (schedule: readonly number[]) => schedule.length + 1;

/**
 * A pure function of (schedule, attempt, outcome): what happens after attempt number `attempt`.
 * `random` is injected so tests can pin the jitter.
 */
export function decideNext({
  schedule,
  attempt,
  outcome,
  random = Math.random,
}: {
  schedule: readonly number[];
  attempt: number;
  outcome: AttemptOutcome;
  random?: () => number;
}): RetryDecision {
  if (outcome.kind === 'success') return { kind: 'delivered' };
  if (attempt >= maxAttempts(schedule)) {
    return { kind: 'give-up', reason: `all ${maxAttempts(schedule)} attempts failed` };
  }
  const baseSeconds = schedule[attempt - 1]!;
  const jitter = 1 + retryJitter * (2 * random() - 1);
  return { kind: 'retry', delayMs: Math.round(baseSeconds * 1000 * jitter) };
}
