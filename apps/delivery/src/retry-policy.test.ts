import { describe, expect, it } from 'vitest';
import type { AttemptOutcome, ErrorClass } from './attempt-outcome';
import { endpointDisabledOutcome, notSentOutcome } from './attempt-outcome';
import {
  decideNext,
  defaultRetryPolicy,
  defaultRetrySchedule,
  isRetryable,
  maxAttempts,
  type RetryPolicy,
} from './retry-policy';

const now = new Date('2025-01-15T10:30:00.000Z');
// random() = 0.5 is no jitter at all: the factor is 1 + 0.2 × (2 × 0.5 − 1) = 1.
const noJitter = () => 0.5;
const policy: RetryPolicy = { schedule: [10, 100, 1000], jitter: 0.2, minThrottleDelaySeconds: 60 };

function http(status: number, headers: Record<string, string> = {}): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'success', status, body: '', headers, durationMs: 5 };
  return {
    kind: 'failure',
    status,
    body: '',
    headers,
    errorClass: 'http_status',
    error: `HTTP ${status}`,
    durationMs: 5,
  };
}
function network(errorClass: ErrorClass): AttemptOutcome {
  return { kind: 'failure', status: null, body: null, headers: {}, errorClass, error: errorClass, durationMs: 5 };
}
const decide = (outcome: AttemptOutcome, { attempt = 1, random = noJitter, p = policy } = {}) =>
  decideNext({ policy: p, attempt, outcome, now, random });

describe('the classification table', () => {
  it.each([200, 201, 204, 299])('%i is delivered', (status) => {
    expect(decide(http(status))).toEqual({ kind: 'delivered', rule: 'delivered' });
  });

  it.each([
    ['3xx', http(301)],
    ['3xx', http(308)],
    ['4xx', http(400)],
    ['4xx', http(404)],
    ['4xx', http(409)],
    ['5xx', http(500)],
    ['5xx', http(502)],
    ['503 without Retry-After', http(503)],
    ['connection refused/reset', network('connection')],
    ['DNS failure', network('dns')],
    ['TLS failure', network('tls')],
    ['a request cut short by shutdown', network('aborted')],
    ['anything else', network('other')],
  ])('%s is retried after the scheduled delay', (_, outcome) => {
    expect(decide(outcome, { attempt: 2 })).toEqual({ kind: 'retry', rule: 'scheduled', delayMs: 100_000 });
  });

  it('a timeout waits the scheduled delay, but at least the throttle minimum', () => {
    expect(decide(network('timeout'), { attempt: 1 })).toEqual({ kind: 'retry', rule: 'timeout', delayMs: 60_000 });
    expect(decide(network('timeout'), { attempt: 2 })).toEqual({ kind: 'retry', rule: 'timeout', delayMs: 100_000 });
  });

  it('429 without Retry-After waits the scheduled delay, but at least the throttle minimum', () => {
    expect(decide(http(429), { attempt: 1 })).toEqual({ kind: 'retry', rule: 'throttled', delayMs: 60_000 });
    expect(decide(http(429), { attempt: 3 })).toEqual({ kind: 'retry', rule: 'throttled', delayMs: 1_000_000 });
    const noFloor = { ...policy, minThrottleDelaySeconds: 0 };
    expect(decide(http(429), { attempt: 1, p: noFloor })).toEqual({
      kind: 'retry',
      rule: 'throttled',
      delayMs: 10_000,
    });
  });

  it('410 Gone gives up at once (and disables the endpoint), even with attempts left', () => {
    expect(decide(http(410), { attempt: 1 })).toMatchObject({ kind: 'give-up', rule: 'gone' });
    expect(decide(http(410), { attempt: 4 })).toMatchObject({ kind: 'give-up', rule: 'gone' });
  });

  it('Webhook-Delivery: abort on a failed answer gives up on that message', () => {
    expect(decide(http(500, { 'webhook-delivery': 'abort' }))).toMatchObject({
      kind: 'give-up',
      rule: 'receiver_abort',
    });
    expect(decide(http(400, { 'webhook-delivery': ' Abort ' }))).toMatchObject({
      kind: 'give-up',
      rule: 'receiver_abort',
    });
    // Any other value is not a request to stop; on a success there is nothing to stop.
    expect(decide(http(500, { 'webhook-delivery': 'retry' }))).toMatchObject({ kind: 'retry', rule: 'scheduled' });
    expect(decide(http(200, { 'webhook-delivery': 'abort' }))).toEqual({ kind: 'delivered', rule: 'delivered' });
  });

  it('an endpoint disabled while the attempt waited gives up without sending', () => {
    expect(decide(endpointDisabledOutcome)).toMatchObject({ kind: 'give-up', rule: 'endpoint_disabled' });
  });

  it('an event that cannot take the version the endpoint pins gives up without sending', () => {
    expect(
      decide(notSentOutcome('unconvertible', 'cannot deliver payment.succeeded 1.0 … retrying cannot help')),
    ).toMatchObject({
      kind: 'give-up',
      rule: 'unconvertible',
    });
  });

  it('the last attempt the schedule allows gives up; a manual attempt past it gives up too', () => {
    expect(maxAttempts(policy.schedule)).toBe(4);
    expect(decide(http(500), { attempt: 3 })).toMatchObject({ kind: 'retry' });
    expect(decide(http(500), { attempt: 4 })).toEqual({
      kind: 'give-up',
      rule: 'schedule_exhausted',
      reason: 'all 4 attempts failed',
    });
    expect(decide(network('timeout'), { attempt: 4 })).toMatchObject({ kind: 'give-up', rule: 'schedule_exhausted' });
    expect(decide(http(500), { attempt: 6 })).toMatchObject({
      kind: 'give-up',
      rule: 'schedule_exhausted',
      reason: expect.stringMatching(/manual attempt 6/),
    });
    // An empty schedule: one attempt, then the dead-letter queue.
    expect(decide(http(500), { attempt: 1, p: { ...policy, schedule: [] } })).toMatchObject({
      kind: 'give-up',
      rule: 'schedule_exhausted',
    });
  });

  it('410 and abort win over an exhausted schedule, so the endpoint is still disabled', () => {
    expect(decide(http(410), { attempt: 4 })).toMatchObject({ rule: 'gone' });
    expect(decide(http(503, { 'webhook-delivery': 'abort' }), { attempt: 4 })).toMatchObject({
      rule: 'receiver_abort',
    });
  });
});

describe('Retry-After', () => {
  // Attempt 2: scheduled 100 s, so an honoured Retry-After lands in [100 s, 200 s].
  it.each([
    ['below the scheduled delay: the scheduled delay', '30', 100_000],
    ['within the window: as asked', '150', 150_000],
    ['above twice the scheduled delay: twice it', '86400', 200_000],
  ])('on 503, %s', (_, retryAfter, delayMs) => {
    expect(decide(http(503, { 'retry-after': retryAfter }), { attempt: 2 })).toEqual({
      kind: 'retry',
      rule: 'retry_after',
      delayMs,
    });
  });

  it('on 429, the clamp and then the throttle minimum', () => {
    // Attempt 1: scheduled 10 s, clamp [10 s, 20 s], then at least 60 s.
    expect(decide(http(429, { 'retry-after': '15' }), { attempt: 1 })).toEqual({
      kind: 'retry',
      rule: 'retry_after',
      delayMs: 60_000,
    });
    expect(decide(http(429, { 'retry-after': '150' }), { attempt: 2 })).toEqual({
      kind: 'retry',
      rule: 'retry_after',
      delayMs: 150_000,
    });
  });

  it('reads an HTTP-date', () => {
    const at = new Date(now.getTime() + 130_000).toUTCString();
    expect(decide(http(503, { 'retry-after': at }), { attempt: 2 })).toEqual({
      kind: 'retry',
      rule: 'retry_after',
      delayMs: 130_000,
    });
    const past = new Date(now.getTime() - 5_000).toUTCString();
    expect(decide(http(503, { 'retry-after': past }), { attempt: 2 })).toEqual({
      kind: 'retry',
      rule: 'retry_after',
      delayMs: 100_000,
    });
  });

  it('ignores an unreadable value, and Retry-After on other statuses', () => {
    expect(decide(http(503, { 'retry-after': 'soon' }), { attempt: 2 })).toMatchObject({
      rule: 'scheduled',
      delayMs: 100_000,
    });
    expect(decide(http(503, { 'retry-after': '-5' }), { attempt: 2 })).toMatchObject({ rule: 'scheduled' });
    expect(decide(http(500, { 'retry-after': '150' }), { attempt: 2 })).toMatchObject({
      rule: 'scheduled',
      delayMs: 100_000,
    });
  });

  it('clamps around the jittered scheduled delay', () => {
    // random 0 → factor 0.8: scheduled 80 s, window [80 s, 160 s].
    expect(decide(http(503, { 'retry-after': '500' }), { attempt: 2, random: () => 0 })).toMatchObject({
      delayMs: 160_000,
    });
    expect(decide(http(503, { 'retry-after': '1' }), { attempt: 2, random: () => 0 })).toMatchObject({
      delayMs: 80_000,
    });
  });
});

describe('the schedule', () => {
  it('is immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts over about 27.6 h', () => {
    expect(defaultRetrySchedule).toEqual([5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]);
    expect(maxAttempts(defaultRetrySchedule)).toBe(8);
    const delays = defaultRetrySchedule.map((_, i) => {
      const decision = decideNext({
        policy: defaultRetryPolicy,
        attempt: i + 1,
        outcome: http(500),
        now,
        random: noJitter,
      });
      return decision.kind === 'retry' ? decision.delayMs : null;
    });
    expect(delays).toEqual(defaultRetrySchedule.map((s) => s * 1000));
    const totalHours = delays.reduce((sum: number, d) => sum + d!, 0) / 3_600_000;
    expect(totalHours).toBeCloseTo(27.6, 1);
  });

  it('puts every delay within ±20 % of the schedule, reaching both ends', () => {
    const base = defaultRetrySchedule[2]! * 1000;
    const at = (r: number) => {
      const decision = decideNext({ policy: defaultRetryPolicy, attempt: 3, outcome: http(500), now, random: () => r });
      return decision.kind === 'retry' ? decision.delayMs : NaN;
    };
    expect(at(0)).toBe(base * 0.8);
    expect(at(0.999999)).toBeCloseTo(base * 1.2, -2);
    for (let i = 0; i <= 1000; i++) {
      const delay = at(i / 1001);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
  });

  it('takes fractions of a second, so tests run a schedule in milliseconds', () => {
    const fast = { ...policy, schedule: [0.05, 0.1] };
    expect(decide(http(500), { attempt: 1, p: fast })).toEqual({ kind: 'retry', rule: 'scheduled', delayMs: 50 });
  });

  it('marks the last scheduled attempt not retryable (the envelope says so)', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => isRetryable(policy.schedule, attempt))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
