import { TRPCClientError } from '@trpc/client';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { useHooklineAndReceiver } from './support/hookline';
import { orderCreatedV1 } from './support/fixtures';

const orderCreated = orderCreatedV1;

const env = useHooklineAndReceiver();

async function countRows() {
  const [row] = await env.hookline.sql<{ events: number; deliveries: number; jobs: number }[]>`
    select (select count(*)::int from events) as events,
           (select count(*)::int from deliveries) as deliveries,
           (select count(*)::int from pgboss.job where name = 'delivery') as jobs`;
  return row!;
}

async function newApp(name = 'shop') {
  return env.hookline.client.applications.create.mutate({ name });
}

describe('the core path', () => {
  it('delivers a published event as a signed POST in the seed envelope format', async () => {
    const app = await newApp();
    const endpoint = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/e2e'),
    });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const published = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: orderCreated,
    });
    expect(published.id).toMatch(/^evt_/);
    expect(published.deliveries).toHaveLength(1);

    await expect.poll(() => env.receiver.requests.filter((r) => r.path === '/e2e').length, { timeout: 10_000 }).toBe(1);
    const request = env.receiver.requests.find((r) => r.path === '/e2e')!;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toBe(published.id);

    // The standardwebhooks library, not our own code, says whether the signature is right.
    const verified = new Webhook(endpoint.secret!).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual({
      id: published.id,
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/),
      event: 'order.created',
      version: '1.0',
      data: orderCreated,
      attempt: 1,
      retryable: true,
    });
    expect(Object.keys(JSON.parse(request.body))).toEqual([
      'id',
      'timestamp',
      'event',
      'version',
      'data',
      'attempt',
      'retryable',
    ]);
    // The payload arrives with its fields in the order they were published (stored as json, not jsonb).
    expect(Object.keys(JSON.parse(request.body).data)).toEqual(Object.keys(orderCreated));

    await expect
      .poll(
        async () =>
          (await env.hookline.client.deliveries.get.query({ deliveryId: published.deliveries[0]!.id })).status,
      )
      .toBe('delivered');
    const delivery = await env.hookline.client.deliveries.get.query({ deliveryId: published.deliveries[0]!.id });
    expect(delivery.attempts).toMatchObject([{ number: 1, responseStatus: 204, error: null }]);
  });

  it('fans out only to enabled endpoints subscribed to the type', async () => {
    const app = await newApp();
    const orders = await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/orders'),
      eventTypes: ['order.created'],
    });
    const all = await env.hookline.client.endpoints.create.mutate({ appId: app.id, url: env.receiver.url('/all') });
    await env.hookline.client.endpoints.create.mutate({
      appId: app.id,
      url: env.receiver.url('/payments'),
      eventTypes: ['payment.succeeded'],
    });

    const published = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: orderCreated,
    });
    expect(published.deliveries.map((d) => d.endpointId).sort()).toEqual([orders.id, all.id].sort());

    const listed = await env.hookline.client.deliveries.list.query({ eventId: published.id });
    expect(listed.items).toHaveLength(2);

    const other = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'customer.created',
      version: '1.0',
      data: (await exampleFor('customer.created', '1.0')) as never,
    });
    expect(other.deliveries.map((d) => d.endpointId)).toEqual([all.id]);

    await env.hookline.client.endpoints.update.mutate({ endpointId: all.id, enabled: false });
    const afterDisable = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: orderCreated,
    });
    expect(afterDisable.deliveries.map((d) => d.endpointId)).toEqual([orders.id]);
  });

  it('returns the first event for a repeated idempotency key and creates nothing new', async () => {
    const app = await newApp();
    await env.hookline.client.endpoints.create.mutate({ appId: app.id, url: env.receiver.url('/idem') });
    const input = {
      appId: app.id,
      type: 'order.created' as const,
      version: '1.0' as const,
      data: orderCreated,
      idempotencyKey: 'order-123-created',
    };
    const first = await env.hookline.client.events.publish.mutate(input);
    const before = await countRows();
    const second = await env.hookline.client.events.publish.mutate(input);
    expect(second).toEqual({ ...first, duplicate: true });
    expect(first.duplicate).toBe(false);
    expect(await countRows()).toEqual(before);
  });

  it('answers bad input with a 400 that names the problem, and stores nothing', async () => {
    const app = await newApp();
    await env.hookline.client.endpoints.create.mutate({ appId: app.id, url: env.receiver.url('/bad') });
    const before = await countRows();
    const cases: { input: Record<string, unknown>; message: RegExp }[] = [
      { input: { type: 'order.exploded', version: '1.0', data: orderCreated }, message: /type/ },
      { input: { type: 'order.created', version: '9.9', data: orderCreated }, message: /version/ },
      {
        input: { type: 'order.created', version: '1.0', data: { ...orderCreated, amount: 'lots' } },
        message: /data\.amount/,
      },
      {
        input: { type: 'order.created', version: '1.0', data: { ...orderCreated, customerId: undefined } },
        message: /data\.customerId/,
      },
      { input: { version: '1.0', data: orderCreated }, message: /type/ },
    ];
    for (const { input, message } of cases) {
      const error = await env.hookline.client.events.publish
        .mutate({ appId: app.id, ...input } as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      const clientError = error as TRPCClientError<never>;
      expect(clientError.data).toMatchObject({ httpStatus: 400, code: 'validation' });
      expect(clientError.message).toMatch(message);
    }
    expect(await countRows()).toEqual(before);
  });

  it('answers 404 for publishing to an application that does not exist, and stores nothing', async () => {
    const before = await countRows();
    const error = await env.hookline.client.events.publish
      .mutate({ appId: 'app_00000000000000000000000000', type: 'order.created', version: '1.0', data: orderCreated })
      .catch((e: unknown) => e);
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 404, code: 'not_found' });
    expect((error as Error).message).toBe('application app_00000000000000000000000000 was not found');
    expect(await countRows()).toEqual(before);
  });

  it('rejects a missing or wrong API key with 401', async () => {
    for (const apiKey of ['', 'hk_not_a_real_key']) {
      const error = await env.hookline
        .clientFor(apiKey)
        .applications.list.query()
        .catch((e: unknown) => e);
      expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 401, code: 'unauthorized' });
    }
    const response = await fetch(`${env.hookline.url}/trpc/applications.list`);
    expect(response.status).toBe(401);
    expect(await (await fetch(`${env.hookline.url}/trpc/health`)).json()).toMatchObject({
      result: { data: { status: 'ok' } },
    });
  });

  it('records a failed attempt and retries until the receiver answers 2xx', async () => {
    const app = await newApp();
    await env.hookline.client.endpoints.create.mutate({ appId: app.id, url: env.receiver.url('/flaky') });
    env.receiver.script({ status: 500, body: 'boom' });
    const published = await env.hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: orderCreated,
    });
    const deliveryId = published.deliveries[0]!.id;
    await expect
      .poll(async () => (await env.hookline.client.deliveries.get.query({ deliveryId })).status, { timeout: 10_000 })
      .toBe('delivered');
    const delivery = await env.hookline.client.deliveries.get.query({ deliveryId });
    expect(delivery.attempts).toMatchObject([
      { number: 1, responseStatus: 500, responseBody: 'boom', error: 'HTTP 500' },
      { number: 2, responseStatus: 204, error: null },
    ]);
    const flaky = env.receiver.requests.filter((r) => r.path === '/flaky');
    expect(flaky.map((r) => JSON.parse(r.body).attempt)).toEqual([1, 2]);
    expect(new Set(flaky.map((r) => r.headers['webhook-id']))).toEqual(new Set([published.id]));
  });
});

async function exampleFor(type: string, version: string) {
  const { findEventVersion } = await import('@hookline/schema');
  return findEventVersion(type, version)!.example;
}
