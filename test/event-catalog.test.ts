import { readFileSync } from 'node:fs';
import { createHooklineRestClient } from '@hookline/client';
import { deadLetterQueue, deliveryQueue } from '@hookline/pipeline';
import { Envelope, eventCatalog, validateEventData } from '@hookline/schema';
import { TRPCClientError } from '@trpc/client';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { testAdminKey, useHooklineAndReceiver } from './support/hookline';

// The catalog's own examples: valid by construction (the catalog checks them when it loads).
const orderV2 = eventCatalog['order.created']['2.0'].example;
const orderCancelled = eventCatalog['order.cancelled']['1.0'].example;
const paymentV1 = eventCatalog['payment.succeeded']['1.0'].example;
const paymentV1_1 = eventCatalog['payment.succeeded']['1.1'].example;

const env = useHooklineAndReceiver();

const newApp = () => env.hookline.client.applications.create.mutate({ name: 'catalog' });
const requestsTo = (path: string) => env.receiver.requests.filter((r) => r.path === path);
const deliveryStatus = async (deliveryId: string) =>
  (await env.hookline.client.deliveries.get.query({ deliveryId })).status;

/** Verifies the signature with the endpoint's secret, then parses the body as an envelope. */
function verifiedEnvelope(path: string, secret: string): Envelope {
  const [request] = requestsTo(path);
  expect(request, `a request to ${path}`).toBeDefined();
  return Envelope.parse(new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>));
}

async function clientError(promise: Promise<unknown>): Promise<TRPCClientError<never>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<never>;
}

describe('version pins', () => {
  it('delivers one event in two versions: as published where unpinned, converted where pinned', async () => {
    const app = await newApp();
    const latest = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/two/latest'),
    });
    const pinned = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/two/pinned'),
      versionPins: { 'order.created': '1.0' },
    });

    const published = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '2.0',
      data: orderV2,
    });
    expect(published.warnings).toEqual([]);
    await expect
      .poll(() => requestsTo('/two/latest').length + requestsTo('/two/pinned').length, { timeout: 10_000 })
      .toBe(2);

    const asPublished = verifiedEnvelope('/two/latest', latest.secret!);
    const converted = verifiedEnvelope('/two/pinned', pinned.secret!);
    expect(asPublished).toMatchObject({ id: published.id, event: 'order.created', version: '2.0', data: orderV2 });
    expect(converted).toMatchObject({
      id: published.id,
      event: 'order.created',
      version: '1.0',
      timestamp: asPublished.timestamp,
    });
    expect(requestsTo('/two/pinned')[0]!.headers['webhook-id']).toBe(published.id);

    // Each body is valid against the schema its envelope names, as a receiver would check it.
    for (const envelope of [asPublished, converted]) {
      expect(validateEventData(envelope.event, envelope.version, envelope.data)).toMatchObject({ ok: true });
    }
    const { total, ...rest } = orderV2;
    expect(converted.data).toEqual({ ...rest, amount: total.value, currency: total.currency });

    // The conversion happened on the way out: the stored event is still exactly what was published.
    expect(await env.hookline.client.events.get.query({ eventId: published.id })).toMatchObject({
      version: '2.0',
      data: orderV2,
    });
  });

  it('stores, returns and replaces the pins of an endpoint', async () => {
    const app = await newApp();
    const unpinned = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/pins/none'),
    });
    expect(unpinned.versionPins).toEqual({});

    const created = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/pins/some'),
      versionPins: { 'order.created': '1.0', 'payment.succeeded': '1.0' },
    });
    expect(created.versionPins).toEqual({ 'order.created': '1.0', 'payment.succeeded': '1.0' });
    expect((await env.hookline.client.endpoints.get.query({ endpointId: created.id })).versionPins).toEqual(
      created.versionPins,
    );
    const listed = await env.hookline.client.endpoints.list.query({ appId: app.id });
    expect(Object.fromEntries(listed.items.map((e) => [e.id, e.versionPins]))).toEqual({
      [unpinned.id]: {},
      [created.id]: created.versionPins,
    });

    // An update without versionPins leaves them alone; with them, it replaces the whole map.
    await env.hookline.client.endpoints.update.mutate({ endpointId: created.id, description: 'unrelated change' });
    expect((await env.hookline.client.endpoints.get.query({ endpointId: created.id })).versionPins).toEqual(
      created.versionPins,
    );
    const replaced = await env.hookline.client.endpoints.update.mutate({
      endpointId: created.id,
      versionPins: { 'order.created': '2.0' },
    });
    expect(replaced.versionPins).toEqual({ 'order.created': '2.0' });
    const cleared = await env.hookline.client.endpoints.update.mutate({ endpointId: created.id, versionPins: {} });
    expect(cleared.versionPins).toEqual({});
  });

  it('rejects a pin to an unknown type or version with a 400 naming the pin, and changes nothing', async () => {
    const app = await newApp();
    const endpoint = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/pins/bad'),
      versionPins: { 'order.created': '1.0' },
    });
    const cases = [
      {
        pins: { 'order.shipped': '1.0' },
        message: /^versionPins\.order\.shipped: unknown event type "order\.shipped"; known types are .*order\.created/,
      },
      {
        pins: { 'order.created': '3.0' },
        message: /^versionPins\.order\.created: order\.created has no version "3\.0"; its versions are 1\.0, 2\.0$/,
      },
      { pins: { 'order.created': 2 }, message: /^versionPins\.order\.created: / },
      { pins: ['order.created'], message: /^versionPins: / },
    ];
    for (const { pins, message } of cases) {
      const onCreate = await clientError(
        env.hookline.client.endpoints.create.mutate({
          appId: app.id,
          url: env.receiver.url('/pins/never'),
          versionPins: pins as never,
        }),
      );
      const onUpdate = await clientError(
        env.hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, versionPins: pins as never }),
      );
      for (const error of [onCreate, onUpdate]) {
        expect(error.data).toMatchObject({ httpStatus: 400, code: 'validation' });
        expect(error.message).toMatch(message);
      }
    }
    const listed = await env.hookline.client.endpoints.list.query({ appId: app.id });
    expect(listed.items.map((e) => [e.id, e.versionPins])).toEqual([[endpoint.id, { 'order.created': '1.0' }]]);
  });

  it('fails only the delivery whose pin the published version cannot reach, at once, into the dead-letter queue', async () => {
    const app = await newApp();
    // payment.succeeded 1.1 adds `fee`, which 1.0 data does not have: 1.0 can never become 1.1.
    const unreachable = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/unreachable/pinned-1.1'),
      versionPins: { 'payment.succeeded': '1.1' },
    });
    const unpinned = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/unreachable/unpinned'),
    });

    const published = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'payment.succeeded',
      version: '1.0',
      data: paymentV1,
    });
    // Publishing a deprecated version works, and says so.
    expect(published.warnings).toEqual([
      "payment.succeeded 1.0 is deprecated; eventTypes.get({ type: 'payment.succeeded' }) shows the versions to publish instead",
    ]);
    const deliveryTo = (endpointId: string, event = published) =>
      event.deliveries.find((d) => d.endpointId === endpointId)!.id;

    await expect.poll(() => deliveryStatus(deliveryTo(unpinned.id)), { timeout: 10_000 }).toBe('delivered');
    await expect.poll(() => deliveryStatus(deliveryTo(unreachable.id)), { timeout: 10_000 }).toBe('failed');
    expect(verifiedEnvelope('/unreachable/unpinned', unpinned.secret!)).toMatchObject({
      version: '1.0',
      data: paymentV1,
    });

    const failed = await env.hookline.client.deliveries.get.query({ deliveryId: deliveryTo(unreachable.id) });
    expect(failed.attempts).toEqual([
      expect.objectContaining({
        number: 1,
        responseStatus: null,
        error: expect.stringMatching(
          /^cannot deliver payment\.succeeded 1\.0 to this endpoint, pinned to 1\.1: .*1\.1 registers no fromPrevious.*retrying cannot help$/,
        ),
      }),
    ]);
    expect(requestsTo('/unreachable/pinned-1.1')).toEqual([]);
    // Given up, not retried: one job ever for that delivery, and its copy waits in the dead-letter queue.
    const jobsFor = (queue: string) =>
      env.hookline.sql<{ count: number }[]>`
        select count(*)::int as count from pgboss.job where name = ${queue} and data->>'deliveryId' = ${failed.id}`.then(
        ([row]) => row!.count,
      );
    await expect.poll(() => jobsFor(deadLetterQueue), { timeout: 10_000 }).toBe(1);
    expect(await jobsFor(deliveryQueue)).toBe(1);

    // The same pin is fine for events published as 1.1.
    const current = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'payment.succeeded',
      version: '1.1',
      data: paymentV1_1,
    });
    expect(current.warnings).toEqual([]);
    await expect.poll(() => deliveryStatus(deliveryTo(unreachable.id, current)), { timeout: 10_000 }).toBe('delivered');
    expect(verifiedEnvelope('/unreachable/pinned-1.1', unreachable.secret!)).toMatchObject({
      id: current.id,
      version: '1.1',
    });
  });
});

describe('subscriptions by pattern', () => {
  it('sends every order.* type to an order.* endpoint, and nothing else', async () => {
    const app = await newApp();
    const orders = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/pattern/orders'),
      eventTypes: ['order.*'],
    });

    const created = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '2.0',
      data: orderV2,
    });
    const cancelled = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.cancelled',
      version: '1.0',
      data: orderCancelled,
    });
    const payment = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'payment.succeeded',
      version: '1.1',
      data: paymentV1_1,
    });
    expect([created, cancelled, payment].map((e) => e.deliveries.map((d) => d.endpointId))).toEqual([
      [orders.id],
      [orders.id],
      [],
    ]);

    await expect.poll(() => requestsTo('/pattern/orders').length, { timeout: 10_000 }).toBe(2);
    const received = requestsTo('/pattern/orders').map((r) => JSON.parse(r.body) as Envelope);
    expect(received.map((e) => [e.id, e.event]).sort()).toEqual(
      [
        [created.id, 'order.created'],
        [cancelled.id, 'order.cancelled'],
      ].sort(),
    );
  });
});

describe('eventTypes.get', () => {
  it('describes one type: versions, JSON Schemas (as in the committed files), examples, deprecations, conversions', async () => {
    const orderCreated = await env.hookline.client.eventTypes.get.query({ type: 'order.created' });
    expect(orderCreated.versions.map((v) => [v.version, v.deprecated, v.convertsTo])).toEqual([
      ['1.0', false, ['2.0']],
      ['2.0', false, ['1.0']],
    ]);
    expect(orderCreated.versions[1]!.example).toEqual(orderV2);
    const committed = JSON.parse(
      readFileSync(new URL('../packages/schema/json/order.created/2.0.json', import.meta.url), 'utf8'),
    );
    expect(committed).toMatchObject(orderCreated.versions[1]!.jsonSchema);

    const payment = await env.hookline.client.eventTypes.get.query({ type: 'payment.succeeded' });
    expect(payment.versions.map((v) => [v.version, v.deprecated, v.convertsTo])).toEqual([
      ['1.0', true, []],
      ['1.1', false, ['1.0']],
    ]);
  });

  it('answers 404 for a type that is not in the catalog', async () => {
    for (const type of ['order.shipped', 'constructor']) {
      const error = await clientError(env.hookline.client.eventTypes.get.query({ type }));
      expect(error.data).toMatchObject({ httpStatus: 404, code: 'not_found' });
      expect(error.message).toBe(`event type ${type} was not found; eventTypes.list shows every type`);
    }
  });
});

describe('over REST', () => {
  it('pins with PATCH /endpoints/{endpointId} and names a bad pin in the 400', async () => {
    const rest = createHooklineRestClient({ url: env.hookline.url, apiKey: testAdminKey });
    const app = await newApp();
    const { id: endpointId } = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/rest/pinned'),
    });
    const patch = (versionPins: Record<string, string>) =>
      rest.PATCH('/endpoints/{endpointId}', { params: { path: { endpointId } }, body: { versionPins } });

    const pinned = await patch({ 'order.created': '1.0' });
    expect(pinned.response.status).toBe(200);
    expect(pinned.data).toMatchObject({ id: endpointId, versionPins: { 'order.created': '1.0' } });

    const bad = await patch({ 'order.created': '9.9' });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({
      code: 'validation',
      issues: [{ path: ['versionPins', 'order.created'], message: expect.stringContaining('no version "9.9"') }],
    });
  });
});
