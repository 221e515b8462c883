import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

// Endpoint health and the operational events it produces, published through Hookline's own pipeline
// to the operator application's endpoint: a real receiver gets them as signed webhooks.
const operatorAppId = 'app_operations';

let hookline: TestHookline;
let receiver: TestReceiver;
let f: ReturnType<typeof fixtures>;

type OperationalEvent = { event: string; data: Record<string, unknown> };
const operational = (endpointId: string): OperationalEvent[] =>
  receiver
    .on('/ops')
    .map((r) => JSON.parse(r.body) as OperationalEvent)
    .filter((e) => e.data.endpointId === endpointId)
    .map(({ event, data }) => ({ event, data }));

beforeAll(async () => {
  hookline = await startHookline({ api: { operatorAppId }, delivery: { operatorAppId } });
  receiver = await startReceiver();
  f = fixtures(hookline);
  // The API created the operator application on start; its endpoint is added like any other.
  expect(await hookline.client.applications.get.query({ appId: operatorAppId })).toMatchObject({
    name: 'Hookline operations',
  });
  await f.makeEndpoint({ appId: operatorAppId, url: receiver.url('/ops') });
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

describe('endpoint health', () => {
  it('410 disables the endpoint and tells the operator: endpoint.disabled (gone) and delivery.exhausted', async () => {
    const app = await f.makeApp();
    receiver.route('/h-gone', { status: 410 });
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/h-gone') });
    const published = await f.publishOrder(app.id);
    await f.waitForDelivery(published.deliveries[0]!.id, 'failed');

    await expect
      .poll(() =>
        operational(endpoint.id)
          .map((e) => e.event)
          .sort(),
      )
      .toEqual(['delivery.exhausted', 'endpoint.disabled']);
    expect(operational(endpoint.id)).toEqual(
      expect.arrayContaining([
        {
          event: 'endpoint.disabled',
          data: { endpointId: endpoint.id, appId: app.id, reason: 'gone', disabledAt: expect.any(String) },
        },
        {
          event: 'delivery.exhausted',
          data: {
            deliveryId: published.deliveries[0]!.id,
            eventId: published.id,
            endpointId: endpoint.id,
            appId: app.id,
            attempts: 1,
            lastError: 'HTTP 410',
          },
        },
      ]),
    );
  });

  it('an endpoint failing for 5 days is disabled; re-enabling brings it back with a clean slate', async () => {
    const app = await f.makeApp();
    receiver.route('/h-days', { status: 500 });
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/h-days'), retrySchedule: [] });
    // As if it had done nothing but fail for five days and a minute; the next failure tips it over.
    await hookline.sql`
      update endpoints set consecutive_failures = 120, failing_since = now() - interval '5 days 1 minute' where id = ${endpoint.id}`;
    const published = await f.publishOrder(app.id);
    await f.waitForDelivery(published.deliveries[0]!.id, 'failed');

    const disabled = await hookline.client.endpoints.get.query({ endpointId: endpoint.id });
    expect(disabled).toMatchObject({
      enabled: false,
      consecutiveFailures: 121,
      disabledReason: expect.stringMatching(/nothing but failures since .*121 failed attempts/),
    });
    await expect
      .poll(() => operational(endpoint.id).find((e) => e.event === 'endpoint.disabled')?.data)
      .toMatchObject({ reason: 'consecutive_failures' });
    expect((await f.publishOrder(app.id, 'ord_skipped')).deliveries).toEqual([]);

    const enabled = await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    receiver.route('/h-days', { status: 204 });
    const after = await f.publishOrder(app.id, 'ord_back');
    expect(after.deliveries).toHaveLength(1);
    await f.waitForDelivery(after.deliveries[0]!.id, 'delivered');
  });

  it('a failing run is counted, and the first success after it is reported as delivery.recovered', async () => {
    const app = await f.makeApp();
    receiver.route('/h-recover', { status: 503 });
    const endpoint = await f.makeEndpoint({
      appId: app.id,
      url: receiver.url('/h-recover'),
      retrySchedule: [0.05, 0.05, 0.05],
    });
    const published = await f.publishOrder(app.id);
    const deliveryId = published.deliveries[0]!.id;
    await expect.poll(async () => (await hookline.client.deliveries.get.query({ deliveryId })).attempts.length).toBe(2);
    const failing = await hookline.client.endpoints.get.query({ endpointId: endpoint.id });
    expect(failing).toMatchObject({ enabled: true, consecutiveFailures: 2, failingSince: expect.any(String) });

    receiver.route('/h-recover', { status: 200 });
    await f.waitForDelivery(deliveryId, 'delivered');
    expect(await hookline.client.endpoints.get.query({ endpointId: endpoint.id })).toMatchObject({
      consecutiveFailures: 0,
      failingSince: null,
    });
    await expect
      .poll(() => operational(endpoint.id))
      .toEqual([
        {
          event: 'delivery.recovered',
          data: { endpointId: endpoint.id, appId: app.id, deliveryId, failuresBefore: 2 },
        },
      ]);
  });

  it('an operator disabling an endpoint is reported with reason manual', async () => {
    const app = await f.makeApp();
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/h-manual') });
    const disabled = await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: false });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'disabled by an operator' });
    await expect
      .poll(() => operational(endpoint.id))
      .toMatchObject([{ event: 'endpoint.disabled', data: { reason: 'manual' } }]);
  });

  it("the operator application's own failures publish nothing, so they cannot feed on themselves", async () => {
    receiver.route('/ops-broken', { status: 410 });
    const broken = await f.makeEndpoint({ appId: operatorAppId, url: receiver.url('/ops-broken'), retrySchedule: [] });
    // Any operational event now goes to /ops and to the broken endpoint, which gives up on it and is disabled.
    const app = await f.makeApp();
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/h-loop') });
    await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: false });
    await expect
      .poll(async () => (await hookline.client.endpoints.get.query({ endpointId: broken.id })).enabled)
      .toBe(false);
    // Exactly the one event about the customer's endpoint: nothing about the operator's broken one.
    const [row] = await hookline.sql<{ count: number }[]>`
      select count(*)::int as count from events where app_id = ${operatorAppId} and data->>'endpointId' = ${broken.id}`;
    expect(row).toEqual({ count: 0 });
    expect(receiver.on('/ops-broken')).toHaveLength(1);
  });
});

describe('a disabled endpoint', () => {
  it('dead-letters its queued attempts without sending them', async () => {
    const paused = await startHookline({ worker: false });
    try {
      const g = fixtures(paused);
      const app = await g.makeApp();
      const endpoint = await g.makeEndpoint({ appId: app.id, url: receiver.url('/h-queued') });
      const published = await g.publishOrder(app.id);
      await paused.client.endpoints.update.mutate({ endpointId: endpoint.id, enabled: false });
      await paused.startWorker();
      const delivery = await g.waitForDelivery(published.deliveries[0]!.id, 'failed');
      expect(delivery.attempts).toMatchObject([
        { number: 1, rule: 'endpoint_disabled', errorClass: 'endpoint_disabled', responseStatus: null },
      ]);
      expect(receiver.on('/h-queued')).toEqual([]);
      await expect
        .poll(async () => (await paused.client.deadLetters.list.query({ endpointId: endpoint.id })).items)
        .toMatchObject([{ rule: 'endpoint_disabled' }]);
    } finally {
      await paused.stop();
    }
  });
});
