import { createHooklineClient, createHooklineRestClient } from '@hookline/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { orderCreatedV1 } from './support/fixtures';

const data = orderCreatedV1;

let hookline: TestHookline;
beforeAll(async () => {
  hookline = await startHookline({ worker: false });
});
afterAll(async () => hookline?.stop());

describe('the tRPC client', () => {
  it('retries a publish whose answer was lost, with the same generated idempotency key', async () => {
    let calls = 0;
    const lossyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      // The second request (the first publish) is stored by the server, then the connection "drops".
      if (++calls === 2) throw new TypeError('fetch failed: socket hang up');
      return response;
    };
    const client = createHooklineClient({ url: hookline.url, apiKey: testAdminKey, fetch: lossyFetch });
    const app = await client.applications.create.mutate({ name: 'retry' });
    const published = await client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data,
    });
    expect(calls).toBe(3);
    expect(published.duplicate).toBe(true);
    const events = await client.events.list.query({ appId: app.id });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never retries a call that is not safe to repeat', async () => {
    let calls = 0;
    const failingFetch: typeof fetch = async () => {
      calls++;
      throw new TypeError('fetch failed');
    };
    const client = createHooklineClient({ url: hookline.url, apiKey: testAdminKey, fetch: failingFetch });
    await expect(client.applications.create.mutate({ name: 'once' })).rejects.toThrow();
    expect(calls).toBe(1);
  });
});

describe('types the clients enforce at compile time', () => {
  it('types responses and rejects wrong payloads through both clients', () => {
    const client = createHooklineClient({ url: 'http://127.0.0.1:1', apiKey: 'k' });
    const rest = createHooklineRestClient({ url: 'http://127.0.0.1:1', apiKey: 'k' });
    // Only type-checked (tsc runs over test/); never called.
    const unused = () => {
      void client.events.publish.mutate({ appId: 'a', type: 'order.created', version: '1.0', data });
      void client.events.publish.mutate({
        appId: 'a',
        type: 'order.created',
        version: '1.0',
        // @ts-expect-error amount must be a number
        data: { ...data, amount: '10' },
      });
      // @ts-expect-error 2.0 replaced amount and currency with total
      void client.events.publish.mutate({ appId: 'a', type: 'order.created', version: '2.0', data });
      // @ts-expect-error no such event type
      void client.events.publish.mutate({ appId: 'a', type: 'order.exploded', version: '1.0', data });
      // @ts-expect-error the REST body's name must be a string
      void rest.POST('/applications', { body: { name: 42 } });
      // @ts-expect-error the path parameter is required
      void rest.GET('/endpoints/{endpointId}', { params: { path: {} } });
    };
    void unused;
    type Published = Awaited<ReturnType<typeof client.events.publish.mutate>>;
    expectTypeOf<Published['deliveries'][number]>().toEqualTypeOf<{ id: string; endpointId: string }>();
    type RestEvent = NonNullable<
      Awaited<ReturnType<typeof rest.GET<'/events/{eventId}', { params: { path: { eventId: string } } }>>>['data']
    >;
    expectTypeOf<RestEvent['createdAt']>().toEqualTypeOf<string>();
  });
});
