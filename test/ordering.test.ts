import { reconcileDeliveries, type QueueClient } from '@hookline/pipeline';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { spawnWorker, type WorkerProcess } from './support/worker-process';

// Ordered delivery per key (docs/ordering.md): for each endpoint, deliveries of events with the same
// ordering key go one at a time, in publish order, while other keys and unkeyed events flow freely.
// The API runs in this process; the deliveries are made by two worker processes on the same database,
// so the order is kept by PostgreSQL, not by any one process's memory.

let hookline: TestHookline;
let receiver: TestReceiver;
let f: ReturnType<typeof fixtures>;
let boss: QueueClient;
const workers: WorkerProcess[] = [];

const startWorker = async () => {
  const worker = spawnWorker({
    DATABASE_URL: hookline.databaseUrl,
    HOOKLINE_REQUEST_TIMEOUT_MS: '1000',
    // A SIGKILLed worker's jobs come back after the expiry (no heartbeat below pg-boss's 10 s minimum).
    HOOKLINE_JOB_EXPIRE_SECONDS: '2',
    HOOKLINE_JOB_HEARTBEAT_SECONDS: '0',
    HOOKLINE_QUEUE_MONITOR_INTERVAL_SECONDS: '1',
    HOOKLINE_WORKER_BATCH_SIZE: '50',
    // The reconciler runs all along: it must never send a delivery waiting in line.
    HOOKLINE_RECONCILE_SECONDS: '1',
  });
  workers.push(worker);
  await worker.ready(30_000);
  return worker;
};

beforeAll(async () => {
  hookline = await startHookline({ worker: false });
  receiver = await startReceiver();
  f = fixtures(hookline);
  boss = await hookline.queueClient();
  await Promise.all([startWorker(), startWorker()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.dispose()));
  await hookline?.stop();
  await receiver?.close();
});

/** The order id a request carries; the tests make it `<key>:<index in the key's publish order>`. */
const orderIdOf = (request: ReceivedRequest) =>
  (JSON.parse(request.body) as { data: { orderId: string } }).data.orderId;

const order = (orderId: string, orderingKey?: string) => ({
  type: 'order.created' as const,
  version: '1.0' as const,
  data: { ...orderCreatedV1, orderId },
  ...(orderingKey === undefined ? {} : { orderingKey }),
});

/**
 * Records, per path, the order ids in the order of their first successful receipt: the receiver
 * decides each answer, so it knows which receipt was the first success.
 */
function firstSuccesses() {
  const seen = new Set<string>();
  const inOrder: string[] = [];
  return {
    inOrder,
    has: (orderId: string) => seen.has(orderId),
    succeed: (orderId: string) => {
      if (!seen.has(orderId)) inOrder.push(orderId);
      seen.add(orderId);
    },
    ofKey: (key: string) => inOrder.filter((id) => id.startsWith(`${key}:`)),
  };
}

/** A small seeded generator (mulberry32), so a failing run can be repeated exactly. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const indexes = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('ordered delivery per key', () => {
  it('1,000 events over 20 keys, 20 % of requests failing at random, two workers and one SIGKILLed mid-run: each key in publish order, nothing lost', async () => {
    const keys = indexes(20).map((k) => `customer-${k}`);
    const perKey = 50;
    const app = await f.makeApp('ordered at random');
    // Ten retries half a second apart: a delivery dead-letters only after 11 failures in a row (0.2^11).
    const endpoint = await f.makeEndpoint({
      appId: app.id,
      url: receiver.url('/random'),
      retrySchedule: Array<number>(10).fill(0.5),
    });
    const random = seededRandom(20261203);
    const successes = firstSuccesses();
    let failures = 0;
    receiver.respond((request) => {
      if (request.path !== '/random') return undefined;
      if (random() < 0.2) {
        failures++;
        return { status: 500 };
      }
      successes.succeed(orderIdOf(request));
      return { status: 204 };
    });

    // Each key's events are published in its own order, one call after another: single publishes
    // (which group-commit with the other keys' publishes) and batches of five (array order).
    const publishKey = async (key: string) => {
      for (let i = 0; i < perKey;) {
        if (i % 10 < 5) {
          await hookline.client.events.publish.mutate({ appId: app.id, ...order(`${key}:${i}`, key) });
          i += 1;
        } else {
          const batch = indexes(5).map((j) => order(`${key}:${i + j}`, key));
          await hookline.client.events.publishBatch.mutate({ appId: app.id, events: batch });
          i += 5;
        }
      }
    };
    const started = performance.now();
    const publishing = Promise.all(keys.map(publishKey));

    // Mid-run, one worker dies without a chance to finish what it holds; another takes its place.
    await expect.poll(() => successes.inOrder.length, { timeout: 90_000, interval: 20 }).toBeGreaterThan(300);
    workers[0]!.kill('SIGKILL');
    await workers[0]!.exited;
    const killedAt = successes.inOrder.length;
    await startWorker();
    await publishing;

    await expect.poll(() => successes.inOrder.length, { timeout: 150_000, interval: 50 }).toBe(keys.length * perKey);
    const seconds = (performance.now() - started) / 1000;
    for (const key of keys) {
      expect(successes.ofKey(key), key).toEqual(indexes(perKey).map((i) => `${key}:${i}`));
    }
    await expect
      .poll(
        async () =>
          await hookline.sql<{ status: string; n: number }[]>`
            select status, count(*)::int as n from deliveries where endpoint_id = ${endpoint.id} group by status`,
        { timeout: 10_000 },
      )
      .toEqual([{ status: 'delivered', n: keys.length * perKey }]);
    console.log(
      `ordering test: ${keys.length * perKey} keyed events over ${keys.length} keys in ${seconds.toFixed(1)} s, ` +
        `${failures} failed requests, a worker SIGKILLed after ${killedAt} first successes`,
    );
  }, 270_000);

  it("a key whose head keeps failing holds only that key: other keys' and unkeyed events all arrive meanwhile", async () => {
    const app = await f.makeApp('one key blocked');
    const schedule = Array<number>(40).fill(0.25);
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/blocked'), retrySchedule: schedule });
    const successes = firstSuccesses();
    let blocking = true;
    const blockedAttempts: number[] = [];
    receiver.respond((request) => {
      if (request.path !== '/blocked') return undefined;
      const orderId = orderIdOf(request);
      if (orderId === 'stuck:0' && blocking) {
        blockedAttempts.push(request.receivedAt);
        return { status: 503 };
      }
      successes.succeed(orderId);
      return { status: 204 };
    });

    await hookline.client.events.publishBatch.mutate({
      appId: app.id,
      events: indexes(5).map((i) => order(`stuck:${i}`, 'stuck')),
    });
    const others = indexes(10).flatMap((k) => indexes(5).map((i) => order(`free-${k}:${i}`, `free-${k}`)));
    const unkeyed = indexes(10).map((i) => order(`unkeyed:${i}`));
    const started = performance.now();
    await Promise.all([
      hookline.client.events.publishBatch.mutate({ appId: app.id, events: others }),
      ...unkeyed.map((event) => hookline.client.events.publish.mutate({ appId: app.id, ...event })),
    ]);

    await expect
      .poll(() => successes.inOrder.filter((id) => !id.startsWith('stuck:')).length, { timeout: 40_000, interval: 20 })
      .toBe(others.length + unkeyed.length);
    const othersSeconds = (performance.now() - started) / 1000;
    // Everything else arrived while the stuck key's head was still failing, and nothing behind it was sent.
    expect(blocking).toBe(true);
    expect(successes.ofKey('stuck')).toEqual([]);
    expect(
      receiver.on('/blocked').filter((r) => orderIdOf(r).startsWith('stuck:') && orderIdOf(r) !== 'stuck:0'),
    ).toEqual([]);
    for (let k = 0; k < 10; k++) {
      expect(successes.ofKey(`free-${k}`)).toEqual(indexes(5).map((i) => `free-${k}:${i}`));
    }
    // The head keeps its own retry schedule meanwhile (0.25 s, less 20 % jitter, between attempts).
    await expect.poll(() => blockedAttempts.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < blockedAttempts.length; i++) {
      expect(blockedAttempts[i]! - blockedAttempts[i - 1]!).toBeGreaterThanOrEqual(0.25 * 0.8 * 1000 - 20);
    }

    blocking = false;
    await expect.poll(() => successes.ofKey('stuck'), { timeout: 30_000 }).toHaveLength(5);
    expect(successes.ofKey('stuck')).toEqual(indexes(5).map((i) => `stuck:${i}`));
    console.log(
      `ordering test: 60 other events arrived in ${othersSeconds.toFixed(1)} s while the stuck key's head failed ` +
        `${blockedAttempts.length} times`,
    );
  }, 120_000);

  it('replay and resend put a keyed delivery at the end of its line; the reconciler leaves waiting ones alone', async () => {
    const app = await f.makeApp('replayed in line');
    const endpoint = await f.makeEndpoint({
      appId: app.id,
      url: receiver.url('/replay'),
      retrySchedule: Array<number>(40).fill(0.2),
    });
    // Every successful receipt, in order (a resend is sent again on purpose).
    const succeeded: string[] = [];
    const aborted = new Set(['line:A']);
    const failing = new Set<string>();
    receiver.respond((request) => {
      if (request.path !== '/replay') return undefined;
      const orderId = orderIdOf(request);
      // Webhook-Delivery: abort dead-letters at once.
      if (aborted.has(orderId)) return { status: 500, headers: { 'webhook-delivery': 'abort' } };
      if (failing.has(orderId)) return { status: 500 };
      succeeded.push(orderId);
      return { status: 204 };
    });
    const publish = (name: string) =>
      hookline.client.events.publish.mutate({ appId: app.id, ...order(`line:${name}`, 'line') });
    const stateOf = async (deliveryId: string) => {
      const [row] = await hookline.sql<{ status: string; job_id: string | null }[]>`
        select status, job_id from deliveries where id = ${deliveryId}`;
      return row!;
    };

    // A dead letter ends its line's head: B goes once A is dead-lettered.
    const a = await publish('A');
    const b = await publish('B');
    await f.waitForDelivery(a.deliveries[0]!.id, 'failed', 30_000);
    await f.waitForDelivery(b.deliveries[0]!.id, 'delivered', 30_000);

    // E fails and retries; F waits behind it without a job, and the reconciler leaves it so.
    failing.add('line:E');
    const e = await publish('E');
    const fEvent = await publish('F');
    const fDelivery = fEvent.deliveries[0]!.id;
    await expect
      .poll(() => receiver.on('/replay').filter((r) => orderIdOf(r) === 'line:E').length, { timeout: 30_000 })
      .toBeGreaterThan(1);
    expect(await stateOf(fDelivery)).toEqual({ status: 'pending', job_id: null });
    const { requeued } = await reconcileDeliveries(hookline.db, boss);
    expect(requeued.map((r) => r.deliveryId)).not.toContain(fDelivery);
    expect(await stateOf(fDelivery)).toEqual({ status: 'pending', job_id: null });
    // A retry of a delivery waiting in line keeps its place.
    await hookline.client.deliveries.retry.mutate({ deliveryId: fDelivery });
    expect(await stateOf(fDelivery)).toEqual({ status: 'pending', job_id: null });

    // Replaying A's dead letter and resending B put them behind F, in that order.
    aborted.delete('line:A');
    const [deadLetter] = (await hookline.client.deadLetters.list.query({ appId: app.id })).items;
    expect(deadLetter!.deliveryId).toBe(a.deliveries[0]!.id);
    expect(await hookline.client.deadLetters.replay.mutate({ ids: [deadLetter!.id] })).toMatchObject({ replayed: 1 });
    const resent = await hookline.client.events.resend.mutate({ eventId: b.id, endpointId: endpoint.id });
    expect(await stateOf(a.deliveries[0]!.id)).toEqual({ status: 'pending', job_id: null });
    expect(await stateOf(resent.id)).toEqual({ status: 'pending', job_id: null });
    expect(succeeded).toEqual(['line:B']);

    failing.delete('line:E');
    await f.waitForDelivery(resent.id, 'delivered', 30_000);
    expect(succeeded).toEqual(['line:B', 'line:E', 'line:F', 'line:A', 'line:B']);
    expect((await hookline.client.events.get.query({ eventId: e.id })).orderingKey).toBe('line');
  }, 120_000);

  it('a disabled endpoint drains each line into dead letters without sending; a replay brings them back in order', async () => {
    const app = await f.makeApp('disabled in line');
    const endpoint = await f.makeEndpoint({
      appId: app.id,
      url: receiver.url('/disabled'),
      retrySchedule: Array<number>(40).fill(0.2),
    });
    const succeeded: string[] = [];
    let failing = true;
    receiver.respond((request) => {
      if (request.path !== '/disabled') return undefined;
      if (failing) return { status: 500 };
      succeeded.push(orderIdOf(request));
      return { status: 204 };
    });
    const { events } = await hookline.client.events.publishBatch.mutate({
      appId: app.id,
      events: indexes(4).map((i) => order(`drain:${i}`, 'drain')),
    });
    const deliveryIds = events.map((e) => e.deliveries[0]!.id);
    await expect.poll(() => receiver.on('/disabled').length, { timeout: 30_000 }).toBeGreaterThan(1);

    await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: false });
    for (const id of deliveryIds) await f.waitForDelivery(id, 'failed', 30_000);
    // Only the head was ever sent (its retries until the endpoint was disabled): the others ended unsent.
    expect(new Set(receiver.on('/disabled').map(orderIdOf))).toEqual(new Set(['drain:0']));
    const lastRules = await hookline.sql<{ rule: string }[]>`
      select a.rule from attempts a
       where a.delivery_id in ${hookline.sql(deliveryIds.slice(1))}`;
    expect(lastRules.map((r) => r.rule)).toEqual(['endpoint_disabled', 'endpoint_disabled', 'endpoint_disabled']);

    failing = false;
    await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: true });
    expect(await hookline.client.deadLetters.replay.mutate({ filter: { endpointId: endpoint.id } })).toMatchObject({
      replayed: 4,
    });
    await f.waitForDelivery(deliveryIds[3]!, 'delivered', 30_000);
    expect(succeeded).toEqual(indexes(4).map((i) => `drain:${i}`));
  }, 120_000);

  it('refuses an ordering key that is empty or longer than 128 characters, naming it, on both faces', async () => {
    const app = await f.makeApp('bad keys');
    const error = await hookline.client.events.publish
      .mutate({ appId: app.id, ...order('x', 'k'.repeat(129)) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 400 });
    expect((error as Error).message).toMatch(/orderingKey/);

    const single = await hookline.rest('POST', `/applications/${app.id}/events`, order('x', ''));
    expect(single.status).toBe(400);
    expect(single.body.message).toMatch(/orderingKey/);
    const batch = await hookline.rest('POST', `/applications/${app.id}/events/batch`, {
      events: [order('x', 'fine'), order('y', 'k'.repeat(129))],
    });
    expect(batch.status).toBe(400);
    expect(batch.body.message).toMatch(/events\.1\.orderingKey/);

    const accepted = await hookline.rest('POST', `/applications/${app.id}/events`, order('z', 'k'.repeat(128)));
    expect(accepted.status).toBe(200);
    expect((await hookline.client.events.get.query({ eventId: accepted.body.id as string })).orderingKey).toBe(
      'k'.repeat(128),
    );
  });
});
