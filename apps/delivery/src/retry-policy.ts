import type { AttemptOutcome } from './attempt-outcome';
import { parseRetryAfter } from './retry-after';

/**
 * Delay before each retry, in seconds (Svix's schedule): with the first attempt made at once,
 * attempt 8 fires about 27.6 h after the first.
 */
export const defaultRetrySchedule: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** The retry policy is data: the schedule comes from the endpoint or HOOKLINE_RETRY_SCHEDULE. */
export type RetryPolicy = {
  /** Delay before each retry, in seconds; fractions allowed. Attempts allowed: its length + 1. */
  schedule: readonly number[];
  /** Each scheduled delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
  /** 429 and timeouts wait at least this long: the receiver is overloaded, not broken. */
  minThrottleDelaySeconds: number;
};

export const defaultRetryPolicy: RetryPolicy = {
  schedule: defaultRetrySchedule,
  // ±20 %, so a receiver that comes back is not hit by every retry at the same instant.
  jitter: 0.2,
  minThrottleDelaySeconds: 60,
};

/**
 * A receiver may answer a failed request with `Webhook-Delivery: abort` to stop the retries of that
 * one message; it goes to the dead-letter queue at once, from where it can be replayed.
 */
export const abortHeader = 'webhook-delivery';
export const abortValue = 'abort';

/**
 * Every row of the classification table, in the order they are tried. The attempt row records
 * which one applied.
 */
export const retryRules = [
  'delivered', // 2xx
  'endpoint_disabled', // the endpoint was disabled after the attempt was queued: nothing sent, dead letter
  'unconvertible', // the event cannot take the version the endpoint pins: nothing sent, dead letter
  'gone', // 410: dead letter, and the endpoint is disabled
  'receiver_abort', // Webhook-Delivery: abort on a failed response: dead letter
  'schedule_exhausted', // the last attempt the schedule allows failed: dead letter
  'retry_after', // 429 or 503 with Retry-After: clamped to [scheduled, 2 × scheduled], 429 at least the throttle minimum
  'throttled', // 429 without Retry-After: the scheduled delay, at least the throttle minimum
  'timeout', // no answer in time: the scheduled delay, at least the throttle minimum
  'scheduled', // 3xx, other 4xx, 5xx, connection refused/reset, DNS, TLS: the scheduled delay
] as const;
export type RetryRule = (typeof retryRules)[number];

/** The rules that end a delivery in the dead-letter queue. */
export const giveUpRules = [
  'endpoint_disabled',
  'unconvertible',
  'gone',
  'receiver_abort',
  'schedule_exhausted',
] as const satisfies readonly RetryRule[];
export type GiveUpRule = (typeof giveUpRules)[number];
export const isGiveUpRule = (rule: string): rule is GiveUpRule => (giveUpRules as readonly string[]).includes(rule);

export type RetryDecision =
  | { kind: 'delivered'; rule: 'delivered' }
  | { kind: 'retry'; rule: 'retry_after' | 'throttled' | 'timeout' | 'scheduled'; delayMs: number }
  | { kind: 'give-up'; rule: GiveUpRule; reason: string };

/** How many attempts a schedule allows: the first, plus one per delay. */
export const maxAttempts = (schedule: readonly number[]) => schedule.length + 1;

/** The envelope's `retryable`: whether a failure of this attempt will be retried (false on the last). */
export const isRetryable = (schedule: readonly number[], attempt: number) => attempt < maxAttempts(schedule);

/**
 * What happens after attempt number `attempt`: a pure function of the policy, the attempt and its
 * outcome. `now` reads an HTTP-date Retry-After; `random` (in [0, 1)) is the jitter, injected so
 * tests can pin it.
 */
export function decideNext({
  policy,
  attempt,
  outcome,
  now,
  random = Math.random,
}: {
  policy: RetryPolicy;
  attempt: number;
  outcome: AttemptOutcome;
  now: Date;
  random?: () => number;
}): RetryDecision {
  if (outcome.kind === 'success') return { kind: 'delivered', rule: 'delivered' };
  if (outcome.errorClass === 'endpoint_disabled') {
    return { kind: 'give-up', rule: 'endpoint_disabled', reason: 'the endpoint is disabled' };
  }
  if (outcome.errorClass === 'unconvertible') {
    return {
      kind: 'give-up',
      rule: 'unconvertible',
      reason: 'the event cannot be converted to the version the endpoint pins',
    };
  }
  if (outcome.status === 410) {
    return { kind: 'give-up', rule: 'gone', reason: 'the receiver answered 410 Gone; the endpoint is disabled' };
  }
  if (outcome.headers[abortHeader]?.trim().toLowerCase() === abortValue) {
    return {
      kind: 'give-up',
      rule: 'receiver_abort',
      reason: `the receiver asked to stop retrying (${abortHeader}: ${abortValue})`,
    };
  }
  if (!isRetryable(policy.schedule, attempt)) {
    const allowed = maxAttempts(policy.schedule);
    return {
      kind: 'give-up',
      rule: 'schedule_exhausted',
      reason:
        attempt > allowed
          ? `manual attempt ${attempt} failed (the schedule allows ${allowed})`
          : `all ${allowed} attempts failed`,
    };
  }

  const scheduledMs = policy.schedule[attempt - 1]! * 1000 * (1 + policy.jitter * (2 * random() - 1));
  const throttleFloorMs = policy.minThrottleDelaySeconds * 1000;
  const retry = (rule: Extract<RetryDecision, { kind: 'retry' }>['rule'], delayMs: number): RetryDecision => ({
    kind: 'retry',
    rule,
    delayMs: Math.round(delayMs),
  });

  const retryAfterMs =
    outcome.status === 429 || outcome.status === 503 ? parseRetryAfter(outcome.headers['retry-after'], now) : null;
  if (retryAfterMs !== null) {
    // Honoured, but a receiver cannot make us hammer it (less than scheduled) or park a message for a
    // week (more than twice scheduled): Svix's clamp.
    const clamped = Math.min(Math.max(retryAfterMs, scheduledMs), 2 * scheduledMs);
    return retry('retry_after', outcome.status === 429 ? Math.max(clamped, throttleFloorMs) : clamped);
  }
  if (outcome.status === 429) return retry('throttled', Math.max(scheduledMs, throttleFloorMs));
  if (outcome.errorClass === 'timeout') return retry('timeout', Math.max(scheduledMs, throttleFloorMs));
  return retry('scheduled', scheduledMs);
}
