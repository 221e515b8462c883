import { defineOutbox, enqueueMany, startOutboxRelay, type OutboxRelay } from '@hookline/outbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrder } from '../examples/outbox-service/create-order';
import { createTablesSql, outbox as shopOutbox } from '../examples/outbox-service/schema';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { createCallerDatabase, type CallerDatabase } from './support/outbox';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTcpProxy } from './support/tcp-proxy';

// The caller's database and Hookline's are two databases on the same server; the relay runs in this
// process (test/outbox-crash.test.ts runs it as a process of its own, to SIGKILL it).

let hookline: TestHookline;
let receiver: TestReceiver;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  hookline = await startHookline();
  receiver = await startReceiver();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

/** An application with one endpoint on its own receiver path, so tests never see each other's webhooks. */
async function appWithEndpoint(path: string) {
  const { makeApp, makeEndpoint } = fixtures(hookline);
  const app = await makeApp(path);
  await makeEndpoint({ appId: app.id, url: receiver.url(path) });
  return app.id;
}

async function callerDatabase(...args: Parameters<typeof createCallerDatabase>) {
  const database = await createCallerDatabase(...args);
  cleanups.push(database.close);
  return database;
}

async function relay(options: Omit<Parameters<typeof startOutboxRelay>[0], 'hookline'> & { url?: string }) {
  const started = await startOutboxRelay({
    hookline: { url: options.url ?? hookline.url, apiKey: testAdminKey },
    pollIntervalMs: 100,
    backoff: { firstDelayMs: 50, maxDelayMs: 200 },
    ...options,
  });
  cleanups.push(() => started.stop());
  return started;
}

/** Events Hookline stored for the application, and how many distinct idempotency keys they carry. */
async function storedEvents(appId: string) {
  const [row] = await hookline.sql<{ events: number; keys: number }[]>`
    select count(*)::int as events, count(distinct idempotency_key)::int as keys from events where app_id = ${appId}`;
  return row!;
}

/** Distinct webhook ids the receiver got on `path`: one per event, however often it was sent. */
const deliveredEvents = (path: string) => new Set(receiver.on(path).map((r) => r.headers['webhook-id'])).size;

const orders = (count: number, appId: string) =>
  Array.from({ length: count }, (_, i) => ({
    appId,
    type: 'order.created' as const,
    version: '1.0' as const,
    data: { ...orderCreatedV1, orderId: `ord_${i}` },
  }));

async function waitUntilDrained(database: CallerDatabase, relays: OutboxRelay[] = []) {
  await expect.poll(() => database.pending(), { timeout: 20_000, interval: 50 }).toBe(0);
  return relays.map((r) => r.stats());
}

describe('the outbox', () => {
  it('delivers an order committed with its event, and publishes nothing for one rolled back (Drizzle)', async () => {
    const appId = await appWithEndpoint('/drizzle');
    const shop = await callerDatabase(shopOutbox.location);
    await shop.sql.unsafe(createTablesSql);
    await relay({ database: shop.sql, outbox: shopOutbox.location });
    const items = [{ productId: 'prod_1', quantity: 1, price: 10 }];

    await expect(
      createOrder(shop.db, {
        appId,
        order: { id: 'ord_lost', customerId: 'cus_1', currency: 'USD', items },
        failAfterWrite: true,
      }),
    ).rejects.toThrow('failed after it was written');
    await createOrder(shop.db, { appId, order: { id: 'ord_kept', customerId: 'cus_1', currency: 'USD', items } });

    await receiver.waitForRequests(1);
    await waitUntilDrained(shop);
    const [request] = receiver.on('/drizzle');
    expect(JSON.parse(request!.body).data.orderId).toBe('ord_kept');
    // The rolled-back order left neither an order nor an outbox row; only the committed one reached Hookline.
    expect(await shop.sql`select id from shop.orders`).toEqual([{ id: 'ord_kept' }]);
    expect(await storedEvents(appId)).toEqual({ events: 1, keys: 1 });
  });

  it('enqueues inside a postgres.js transaction just the same, in order', async () => {
    const appId = await appWithEndpoint('/postgres-js');
    const caller = await callerDatabase();

    await expect(
      caller.sql.begin(async (tx) => {
        await enqueueMany(tx, orders(2, appId));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await caller.sql.begin((tx) => enqueueMany(tx, orders(3, appId)));
    // `position` is the order relays publish in: the order of the array, whatever the ids.
    const queued = await caller.sql`select data->>'orderId' as order_id from hookline_outbox order by position`;
    expect(queued.map((r) => r.order_id)).toEqual(['ord_0', 'ord_1', 'ord_2']);

    const running = await relay({ database: caller.url });
    await expect.poll(() => deliveredEvents('/postgres-js'), { timeout: 10_000 }).toBe(3);
    await waitUntilDrained(caller);
    expect(await storedEvents(appId)).toEqual({ events: 3, keys: 3 });
    expect(running.stats()).toMatchObject({ published: 3, duplicates: 0, failed: 0 });
    expect(running.stats().lagMs).toBeGreaterThanOrEqual(0);
  });

  it("forwards each event's ordering key to Hookline, and none for an event without one", async () => {
    const appId = await appWithEndpoint('/ordering-key');
    const caller = await callerDatabase();
    const keyed = orders(3, appId).map((o, i) => (i < 2 ? { ...o, orderingKey: 'cus_1' } : o));
    await caller.sql.begin((tx) => enqueueMany(tx, keyed));
    await relay({ database: caller.url });
    await waitUntilDrained(caller);
    expect(
      await hookline.sql`
        select data->>'orderId' as order_id, ordering_key from events where app_id = ${appId} order by 1`,
    ).toEqual([
      { order_id: 'ord_0', ordering_key: 'cus_1' },
      { order_id: 'ord_1', ordering_key: 'cus_1' },
      { order_id: 'ord_2', ordering_key: null },
    ]);
  });

  it('moves an event Hookline refuses aside as failed, with the reason, and publishes the rest', async () => {
    const appId = await appWithEndpoint('/refused');
    const caller = await callerDatabase();
    const running = await relay({ database: caller.url });
    const [good1, good2] = orders(2, appId);
    // What a service built against another catalog could enqueue: the types would have refused it here.
    const bad = { ...good1!, data: { ...good1!.data, amount: 'forty' } } as unknown as typeof good1 & {};
    await caller.sql.begin((tx) => enqueueMany(tx, [good1!, bad, good2!]));

    await expect.poll(() => deliveredEvents('/refused'), { timeout: 10_000 }).toBe(2);
    await waitUntilDrained(caller);
    const rows = await caller.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'failed', error: expect.stringContaining('data.amount') });
    expect(running.stats()).toMatchObject({ published: 2, failed: 1 });
  });

  it('keeps rows while Hookline is down and drains every one when it comes back', async () => {
    const appId = await appWithEndpoint('/outage');
    const caller = await callerDatabase();
    const proxy = await startTcpProxy(hookline.url);
    cleanups.push(proxy.close);
    const running = await relay({ database: caller.url, url: proxy.url });

    await proxy.down();
    await caller.sql.begin((tx) => enqueueMany(tx, orders(40, appId)));
    // Down for a while: several attempts fail and back off; nothing leaves the outbox.
    await expect
      .poll(() => Date.now() - (running.stats().unavailableSince?.getTime() ?? Date.now()), { timeout: 10_000 })
      .toBeGreaterThan(600);
    expect(await caller.pending()).toBe(40);
    expect(await running.pendingAgeMs()).toBeGreaterThan(600);
    expect(await storedEvents(appId)).toEqual({ events: 0, keys: 0 });

    await proxy.up();
    await waitUntilDrained(caller);
    await expect.poll(() => deliveredEvents('/outage'), { timeout: 10_000 }).toBe(40);
    expect(await storedEvents(appId)).toEqual({ events: 40, keys: 40 });
    expect(running.stats()).toMatchObject({ published: 40, unavailableSince: null });
  });

  it('lets two relays share an outbox: both make progress, no event is published twice', async () => {
    const appId = await appWithEndpoint('/two-relays');
    const caller = await callerDatabase(defineOutbox({ schema: 'relays', table: 'events_out' }).location);
    const location = { schema: 'relays', table: 'events_out' };
    const first = await relay({ database: caller.url, outbox: location, batchSize: 10 });
    const second = await relay({ database: caller.url, outbox: location, batchSize: 10 });
    const outbox = defineOutbox(location);

    // Many small transactions, as a busy service commits them: each NOTIFY wakes both relays.
    for (let i = 0; i < 20; i++) {
      await caller.sql.begin((tx) => outbox.enqueueMany(tx, orders(15, appId)));
    }

    const [a, b] = await waitUntilDrained(caller, [first, second]);
    expect(a!.published).toBeGreaterThan(0);
    expect(b!.published).toBeGreaterThan(0);
    expect(a!.published + b!.published).toBe(300);
    expect(a!.duplicates + b!.duplicates).toBe(0);
    expect(await storedEvents(appId)).toEqual({ events: 300, keys: 300 });
    await expect.poll(() => deliveredEvents('/two-relays'), { timeout: 15_000 }).toBe(300);
  });
});
