import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@hookline/api';
import { fixtures } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

let hookline: TestHookline;
let receiver: TestReceiver;
let f: ReturnType<typeof fixtures>;

beforeAll(async () => {
  hookline = await startHookline();
  receiver = await startReceiver();
  f = fixtures(hookline);
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

/**
 * An application whose endpoint always answers 500, and `count` events that exhaust its schedule. The
 * endpoint's own schedule is empty unless given (one attempt, then the dead-letter queue), which keeps
 * the tests that do not watch the schedule itself fast.
 */
async function exhausted(path: string, { count = 1, serviceSchedule = false } = {}) {
  const app = await f.makeApp();
  receiver.route(path, { status: 500, body: 'receiver is broken' });
  const endpoint = await f.makeEndpoint({
    appId: app.id,
    url: receiver.url(path),
    ...(serviceSchedule ? {} : { retrySchedule: [] }),
  });
  const published = [];
  for (let i = 0; i < count; i++) published.push(await f.publishOrder(app.id, `ord_${i}`));
  const deliveryIds = published.map((p) => p.deliveries[0]!.id);
  await expect
    .poll(async () => (await hookline.client.deadLetters.list.query({ appId: app.id })).items.length, {
      timeout: 10_000,
      interval: 25,
    })
    .toBe(count);
  return { app, endpoint, deliveryIds, published };
}

async function trpcError(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<never>;
}

describe('exhaustion', () => {
  it('moves the delivery to pg-boss dead-letter queue and marks it failed', async () => {
    const { app, endpoint, deliveryIds } = await exhausted('/dl-exhaust', { serviceSchedule: true });
    const delivery = await hookline.client.deliveries.get.query({ deliveryId: deliveryIds[0]! });
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts.map((a) => [a.number, a.rule, a.trigger])).toEqual([
      [1, 'scheduled', 'scheduled'],
      [2, 'scheduled', 'scheduled'],
      [3, 'scheduled', 'scheduled'],
      [4, 'schedule_exhausted', 'scheduled'],
    ]);
    expect(delivery.attempts[3]).toMatchObject({ responseStatus: 500, errorClass: 'http_status', nextAttemptAt: null });

    // pg-boss's own mechanism: a copy in the dead-letter queue that names its source.
    const [job] = await hookline.sql`
      select source_name, source_id, source_output, data, state from pgboss.job
       where name = 'delivery-dead-letter' and data->>'deliveryId' = ${deliveryIds[0]!}`;
    expect(job).toMatchObject({
      source_name: 'delivery',
      state: 'created',
      data: { v: 1, deliveryId: deliveryIds[0], attempt: 4 },
      source_output: { error: 'HTTP 500', rule: 'schedule_exhausted', attempts: 4 },
    });

    const listed = await hookline.client.deadLetters.list.query({ appId: app.id });
    expect(listed.items).toEqual([
      expect.objectContaining({
        deliveryId: deliveryIds[0],
        endpointId: endpoint.id,
        endpointUrl: endpoint.url,
        eventType: 'order.created',
        attempts: 4,
        deliveryStatus: 'failed',
        error: 'HTTP 500',
        rule: 'schedule_exhausted',
      }),
    ]);
  });
});

describe('deadLetters.list', () => {
  it('filters by endpoint, type and time, and pages with a cursor', async () => {
    const { app, endpoint } = await exhausted('/dl-list', { count: 3 });
    const all = await hookline.client.deadLetters.list.query({ appId: app.id });
    expect(all.items).toHaveLength(3);

    const page1 = await hookline.client.deadLetters.list.query({ appId: app.id, limit: 2 });
    const page2 = await hookline.client.deadLetters.list.query({ appId: app.id, limit: 2, cursor: page1.nextCursor! });
    expect(page1.items).toHaveLength(2);
    expect(page2).toMatchObject({ nextCursor: null });
    expect([...page1.items, ...page2.items].map((d) => d.id)).toEqual(all.items.map((d) => d.id));

    expect((await hookline.client.deadLetters.list.query({ endpointId: endpoint.id })).items).toHaveLength(3);
    expect(
      (await hookline.client.deadLetters.list.query({ appId: app.id, type: 'payment.failed' })).items,
    ).toHaveLength(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await hookline.client.deadLetters.list.query({ appId: app.id, since: future })).items).toHaveLength(0);
    expect((await hookline.client.deadLetters.list.query({ appId: app.id, until: future })).items).toHaveLength(3);
  });

  it("shows an application key its own dead letters only; another application's are not found", async () => {
    const { app } = await exhausted('/dl-scope');
    const other = await f.makeApp('other');
    const { key } = await createApiKey(hookline.db, hookline.encryptionKey, { appId: other.id, name: 'other' });
    const otherClient = hookline.clientFor(key);
    expect((await otherClient.deadLetters.list.query({})).items).toEqual([]);
    const error = await trpcError(otherClient.deadLetters.list.query({ appId: app.id }));
    expect(error.data).toMatchObject({ httpStatus: 404, code: 'not_found' });
    const ownKey = await createApiKey(hookline.db, hookline.encryptionKey, { appId: app.id, name: 'own' });
    expect((await hookline.clientFor(ownKey.key).deadLetters.list.query({})).items).toHaveLength(1);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ since: 'yesterday' }, /since/],
      [{ cursor: 'not-a-cursor' }, /cursor/],
      [{ limit: 0 }, /limit/],
    ];
    for (const [input, message] of cases) {
      const error = await trpcError(hookline.client.deadLetters.list.query(input as never));
      expect(error.data).toMatchObject({ httpStatus: 400, code: 'validation' });
      expect(error.message).toMatch(message);
    }
  });
});

describe('deadLetters.replay', () => {
  it('with dryRun counts and samples what would be sent, and changes nothing', async () => {
    const { app, endpoint } = await exhausted('/dl-dry', { count: 3 });
    const before = await hookline.sql`select state, count(*)::int from pgboss.job group by state order by state`;
    const result = await hookline.client.deadLetters.replay.mutate({ filter: { appId: app.id }, dryRun: true });
    expect(result).toMatchObject({ dryRun: true, count: 3, endpointDisabled: 0, notFound: [] });
    if (!result.dryRun) throw new Error('expected a dry run');
    expect(result.sample).toHaveLength(3);
    expect(result.sample[0]).toMatchObject({ endpointId: endpoint.id, eventType: 'order.created', attempts: 1 });
    expect(await hookline.sql`select state, count(*)::int from pgboss.job group by state order by state`).toEqual(
      before,
    );
  });

  it('re-queues dead letters by id as manual attempts that reach the receiver, once', async () => {
    const { app, deliveryIds } = await exhausted('/dl-replay-ids');
    const [deadLetter] = (await hookline.client.deadLetters.list.query({ appId: app.id })).items;
    receiver.route('/dl-replay-ids', { status: 204 });

    const result = await hookline.client.deadLetters.replay.mutate({ ids: [deadLetter!.id] });
    expect(result).toEqual({ dryRun: false, replayed: 1, endpointDisabled: 0, hasMore: false, notFound: [] });
    const delivery = await f.waitForDelivery(deliveryIds[0]!, 'delivered');
    expect(delivery.attempts.map((a) => [a.number, a.trigger, a.rule])).toEqual([
      [1, 'scheduled', 'schedule_exhausted'],
      [2, 'manual', 'delivered'],
    ]);
    const last = receiver.on('/dl-replay-ids').at(-1)!;
    // Past the schedule, a failure of the replayed attempt would dead-letter it again.
    expect(JSON.parse(last.body)).toMatchObject({ attempt: 2, retryable: false });

    // Settled in the queue, so it is neither listed nor replayable again.
    expect((await hookline.client.deadLetters.list.query({ appId: app.id })).items).toEqual([]);
    const [job] = await hookline.sql`select state, output from pgboss.job where id = ${deadLetter!.id}::uuid`;
    expect(job).toMatchObject({ state: 'completed', output: { replayedAt: expect.any(String) } });
    expect(await hookline.client.deadLetters.replay.mutate({ ids: [deadLetter!.id] })).toMatchObject({
      replayed: 0,
      notFound: [deadLetter!.id],
    });
  });

  it('re-queues by filter, and a replay that fails again goes back to the dead-letter queue', async () => {
    const { app, deliveryIds } = await exhausted('/dl-replay-filter', { count: 2 });
    const result = await hookline.client.deadLetters.replay.mutate({
      filter: { appId: app.id, type: 'order.created' },
    });
    expect(result).toMatchObject({ replayed: 2, hasMore: false });
    for (const id of deliveryIds) {
      await expect
        .poll(async () => (await hookline.client.deliveries.get.query({ deliveryId: id })).attempts.length, {
          timeout: 10_000,
        })
        .toBe(2);
    }
    await expect
      .poll(async () => (await hookline.client.deadLetters.list.query({ appId: app.id })).items.length, {
        timeout: 10_000,
      })
      .toBe(2);
    const again = await hookline.client.deadLetters.list.query({ appId: app.id });
    expect(again.items.map((d) => [d.attempts, d.rule])).toEqual([
      [2, 'schedule_exhausted'],
      [2, 'schedule_exhausted'],
    ]);
  });

  it('leaves dead letters of a disabled endpoint alone', async () => {
    const { app, endpoint } = await exhausted('/dl-disabled');
    await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: false });
    expect(await hookline.client.deadLetters.replay.mutate({ filter: { appId: app.id }, dryRun: true })).toMatchObject({
      count: 1,
      endpointDisabled: 1,
    });
    expect(await hookline.client.deadLetters.replay.mutate({ filter: { appId: app.id } })).toMatchObject({
      replayed: 0,
      endpointDisabled: 1,
    });
    expect((await hookline.client.deadLetters.list.query({ appId: app.id })).items).toHaveLength(1);
  });

  it('needs exactly one of ids or filter, and ids that are dead-letter ids', async () => {
    for (const [input, message] of [
      [{}, /exactly one of ids/],
      [{ ids: ['abc'] }, /ids\.0/],
      [{ ids: [], filter: {} }, /ids/],
    ] as const) {
      const error = await trpcError(hookline.client.deadLetters.replay.mutate(input as never));
      expect(error.data).toMatchObject({ httpStatus: 400, code: 'validation' });
      expect(error.message).toMatch(message);
    }
  });
});

describe('manual sends', () => {
  it('deliveries.retry sends a failed delivery again now, recorded as manual, and takes it out of the dead-letter queue', async () => {
    const { app, deliveryIds } = await exhausted('/dl-retry');
    receiver.route('/dl-retry', { status: 200 });
    const retried = await hookline.client.deliveries.retry.mutate({ deliveryId: deliveryIds[0]! });
    expect(retried).toMatchObject({ id: deliveryIds[0], status: 'pending' });
    const delivery = await f.waitForDelivery(deliveryIds[0]!, 'delivered');
    expect(delivery.attempts.at(-1)).toMatchObject({ number: 2, trigger: 'manual', responseStatus: 200 });
    expect((await hookline.client.deadLetters.list.query({ appId: app.id })).items).toEqual([]);
  });

  it('deliveries.retry of a delivered delivery sends it once more', async () => {
    const app = await f.makeApp();
    receiver.route('/retry-delivered', { status: 204 });
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/retry-delivered') });
    const published = await f.publishOrder(app.id);
    const deliveryId = published.deliveries[0]!.id;
    await f.waitForDelivery(deliveryId, 'delivered');
    await hookline.client.deliveries.retry.mutate({ deliveryId });
    await expect.poll(async () => (await hookline.client.deliveries.get.query({ deliveryId })).attempts.length).toBe(2);
    expect(receiver.on('/retry-delivered').map((r) => r.headers['webhook-id'])).toEqual([published.id, published.id]);
  });

  it('deliveries.retry answers 409 for a disabled endpoint and 404 for an unknown delivery', async () => {
    const { endpoint, deliveryIds } = await exhausted('/dl-retry-disabled');
    await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: false });
    const conflict = await trpcError(hookline.client.deliveries.retry.mutate({ deliveryId: deliveryIds[0]! }));
    expect(conflict.data).toMatchObject({ httpStatus: 409, code: 'conflict' });
    expect(conflict.message).toMatch(/enable it/);
    const missing = await trpcError(hookline.client.deliveries.retry.mutate({ deliveryId: 'dlv_missing' }));
    expect(missing.data).toMatchObject({ httpStatus: 404 });
  });

  it('events.resend sends an event to an endpoint again as a new delivery', async () => {
    const app = await f.makeApp();
    receiver.route('/resend-a', { status: 204 });
    receiver.route('/resend-b', { status: 204 });
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/resend-a') });
    const published = await f.publishOrder(app.id);
    // Created after the event, and subscribed to something else: resend goes there anyway.
    const later = await f.makeEndpoint({
      appId: app.id,
      url: receiver.url('/resend-b'),
      eventTypes: ['payment.failed'],
    });
    const delivery = await hookline.client.events.resend.mutate({ eventId: published.id, endpointId: later.id });
    expect(delivery).toMatchObject({ eventId: published.id, endpointId: later.id, status: 'pending' });
    expect(delivery.id).not.toBe(published.deliveries[0]!.id);
    const done = await f.waitForDelivery(delivery.id, 'delivered');
    expect(done.attempts).toMatchObject([{ number: 1, trigger: 'manual' }]);
    expect(receiver.requests.find((r) => r.path === '/resend-b')?.headers['webhook-id']).toBe(published.id);

    const otherApp = await f.makeApp('other');
    const foreign = await f.makeEndpoint({ appId: otherApp.id, url: receiver.url('/resend-b') });
    const error = await trpcError(
      hookline.client.events.resend.mutate({ eventId: published.id, endpointId: foreign.id }),
    );
    expect(error.data).toMatchObject({ httpStatus: 404 });
  });
});
