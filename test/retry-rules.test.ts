import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

// The classification table end to end: real HTTP answers, real retries, and what each attempt row
// records. The arithmetic of every row (clamps, floors, jitter) is unit-tested in retry-policy.test.ts.
let hookline: TestHookline;
let receiver: TestReceiver;
let f: ReturnType<typeof fixtures>;

beforeAll(async () => {
  // A short request timeout, so the timeout row takes a third of a second.
  hookline = await startHookline({ delivery: { requestTimeoutMs: 300 } });
  receiver = await startReceiver();
  f = fixtures(hookline);
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

const bodies = (path: string) =>
  receiver.on(path).map((r) => JSON.parse(r.body) as { attempt: number; retryable: boolean });

describe('each failure is retried under its rule, and the attempt says so', () => {
  it('3xx, 429, timeout, reset, 503 with Retry-After, then 2xx', async () => {
    const own = await startReceiver();
    try {
      own.script(
        { status: 302, headers: { location: 'http://127.0.0.1:9/elsewhere' } },
        { status: 429 },
        { hang: true },
        { reset: true },
        { status: 503, headers: { 'retry-after': '0' } },
      );
      const app = await f.makeApp();
      await f.makeEndpoint({ appId: app.id, url: own.url('/rows'), retrySchedule: [0.05, 0.05, 0.05, 0.05, 0.05] });
      const published = await f.publishOrder(app.id);
      const delivery = await f.waitForDelivery(published.deliveries[0]!.id, 'delivered');

      expect(delivery.attempts.map((a) => [a.number, a.responseStatus, a.errorClass, a.rule, a.trigger])).toEqual([
        [1, 302, 'http_status', 'scheduled', 'scheduled'],
        [2, 429, 'http_status', 'throttled', 'scheduled'],
        [3, null, 'timeout', 'timeout', 'scheduled'],
        [4, null, 'connection', 'scheduled', 'scheduled'],
        [5, 503, 'http_status', 'retry_after', 'scheduled'],
        [6, 204, null, 'delivered', 'scheduled'],
      ]);
      // Every retry's time is recorded, and is at least the (jittered) scheduled delay after its attempt ended.
      for (const a of delivery.attempts.slice(0, 5)) {
        const waited = Date.parse(a.nextAttemptAt!) - (Date.parse(a.startedAt) + a.durationMs);
        expect(waited).toBeGreaterThanOrEqual(40);
        expect(waited).toBeLessThanOrEqual(120);
      }
      expect(delivery.attempts[2]!.durationMs).toBeGreaterThanOrEqual(290);
      expect(delivery.attempts[5]!.nextAttemptAt).toBeNull();
      // One webhook-id throughout; `retryable` is false only on the last attempt the schedule allows.
      expect(own.requests.map((r) => JSON.parse(r.body).attempt)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(own.requests.map((r) => JSON.parse(r.body).retryable)).toEqual([true, true, true, true, true, false]);
      expect(new Set(own.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([published.id]));
    } finally {
      await own.close();
    }
  });

  it('honours Retry-After on 503 within [scheduled, 2 × scheduled]', async () => {
    const app = await f.makeApp();
    // Asks for a minute; the clamp allows at most twice the 0.2 s scheduled delay (±20 %).
    receiver.route('/retry-after', { status: 503, headers: { 'retry-after': '60' } });
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/retry-after'), retrySchedule: [0.2] });
    const published = await f.publishOrder(app.id);
    const delivery = await f.waitForDelivery(published.deliveries[0]!.id, 'failed');
    const first = delivery.attempts[0]!;
    expect(first).toMatchObject({ responseStatus: 503, rule: 'retry_after' });
    const waited = Date.parse(first.nextAttemptAt!) - (Date.parse(first.startedAt) + first.durationMs);
    expect(waited).toBeGreaterThanOrEqual(2 * 200 * 0.8);
    expect(waited).toBeLessThanOrEqual(2 * 200 * 1.2);
    const [a, b] = receiver.on('/retry-after');
    expect(b!.receivedAt - a!.receivedAt).toBeGreaterThanOrEqual(2 * 200 * 0.8 - 20);
  });
});

describe('give-ups', () => {
  it('410 Gone: no retry, the endpoint is disabled with a reason, and new events skip it', async () => {
    const app = await f.makeApp();
    receiver.route('/gone', { status: 410, body: 'this endpoint was removed' });
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/gone') });
    const published = await f.publishOrder(app.id);
    const delivery = await f.waitForDelivery(published.deliveries[0]!.id, 'failed');
    expect(delivery.attempts).toMatchObject([{ number: 1, responseStatus: 410, rule: 'gone', nextAttemptAt: null }]);

    const disabled = await hookline.client.endpoints.get.query({ endpointId: endpoint.id });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410 Gone/) });
    expect((await f.publishOrder(app.id, 'ord_after')).deliveries).toEqual([]);
    expect(receiver.on('/gone')).toHaveLength(1);
    await expect
      .poll(async () => (await hookline.client.deadLetters.list.query({ endpointId: endpoint.id })).items)
      .toMatchObject([{ rule: 'gone' }]);
  });

  it('Webhook-Delivery: abort stops retrying that message only', async () => {
    const app = await f.makeApp();
    receiver.route('/abort', { status: 422, headers: { 'Webhook-Delivery': 'abort' } });
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/abort') });
    const published = await f.publishOrder(app.id);
    const delivery = await f.waitForDelivery(published.deliveries[0]!.id, 'failed');
    expect(delivery.attempts).toMatchObject([{ number: 1, responseStatus: 422, rule: 'receiver_abort' }]);
    expect(await hookline.client.endpoints.get.query({ endpointId: endpoint.id })).toMatchObject({ enabled: true });
    expect(bodies('/abort').map((b) => b.attempt)).toEqual([1]);
    await expect
      .poll(async () => (await hookline.client.deadLetters.list.query({ endpointId: endpoint.id })).items)
      .toMatchObject([{ rule: 'receiver_abort' }]);
  });
});

describe('per-endpoint schedules', () => {
  it('are used instead of the service default, and null goes back to it', async () => {
    const app = await f.makeApp();
    receiver.route('/own-schedule', { status: 500 });
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/own-schedule'), retrySchedule: [0.05] });
    const first = await f.publishOrder(app.id);
    expect((await f.waitForDelivery(first.deliveries[0]!.id, 'failed')).attempts).toHaveLength(2);

    const updated = await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, retrySchedule: null });
    expect(updated.retrySchedule).toBeNull();
    const second = await f.publishOrder(app.id, 'ord_2');
    // The test worker's default: three retries.
    expect((await f.waitForDelivery(second.deliveries[0]!.id, 'failed')).attempts).toHaveLength(4);
  });

  it('are validated: a bad schedule is a 400 that names the entry', async () => {
    const app = await f.makeApp();
    const cases: [unknown, RegExp][] = [
      [[-1], /retrySchedule\.0/],
      [[5, 8 * 24 * 3600], /retrySchedule\.1/],
      [[5, 'soon'], /retrySchedule\.1/],
      [Array.from({ length: 51 }, () => 1), /retrySchedule/],
    ];
    for (const [retrySchedule, message] of cases) {
      const error = await hookline.client.endpoints.create
        .mutate({ appId: app.id, url: receiver.url('/x'), retrySchedule } as never)
        .catch((e: unknown) => e as TRPCClientError<never>);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 400, code: 'validation' });
      expect((error as TRPCClientError<never>).message).toMatch(message);
    }
  });
});
