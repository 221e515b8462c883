import { sweepExpired } from '@hookline/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
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

const day = 24 * 3600;

/** Moves an event (and its deliveries) `days` into the past, as if it had been published then. */
async function age(eventId: string, days: number) {
  await hookline.sql`update events set created_at = now() - ${days} * interval '1 day' where id = ${eventId}`;
  await hookline.sql`
    update deliveries set created_at = now() - ${days} * interval '1 day',
                          updated_at = now() - ${days} * interval '1 day'
     where event_id = ${eventId} and status <> 'failed'`;
}

async function rowsOf(eventId: string) {
  const [row] = await hookline.sql<{ events: number; deliveries: number; attempts: number }[]>`
    select (select count(*) from events where id = ${eventId})::int as events,
           (select count(*) from deliveries where event_id = ${eventId})::int as deliveries,
           (select count(*) from attempts a join deliveries d on d.id = a.delivery_id where d.event_id = ${eventId})::int
             as attempts`;
  return row!;
}

describe('retention sweep', () => {
  it('removes expired events with their deliveries and attempts, and keeps pending and dead-lettered ones', async () => {
    receiver.route('/ok', { status: 200 });
    receiver.route('/broken', { status: 500 });
    const publishTo = async (url: string, retrySchedule: number[]) => {
      const app = await f.makeApp();
      await f.makeEndpoint({ appId: app.id, url, retrySchedule });
      return { ...(await f.publishOrder(app.id)), appId: app.id };
    };
    const delivered = await publishTo(receiver.url('/ok'), []);
    await f.waitForDelivery(delivered.deliveries[0]!.id, 'delivered');
    // A retry an hour away keeps its delivery pending.
    const pending = await publishTo(receiver.url('/broken'), [3600]);
    await expect.poll(async () => (await rowsOf(pending.id)).attempts, { timeout: 10_000, interval: 25 }).toBe(1);
    const deadLettered = await publishTo(receiver.url('/broken'), []);
    await f.waitForDelivery(deadLettered.deliveries[0]!.id, 'failed');

    for (const event of [delivered, pending, deadLettered]) await age(event.id, 31);
    const swept = await sweepExpired(hookline.db, { retentionSeconds: 30 * day });

    expect(swept).toMatchObject({ skipped: false, events: 1, deliveries: 1, attempts: 1 });
    expect(await rowsOf(delivered.id)).toEqual({ events: 0, deliveries: 0, attempts: 0 });
    expect(await rowsOf(pending.id)).toEqual({ events: 1, deliveries: 1, attempts: 1 });
    // Its dead letter still waits for an operator, so the rows it names stay.
    expect(await rowsOf(deadLettered.id)).toEqual({ events: 1, deliveries: 1, attempts: 1 });
    const listed = await hookline.client.deadLetters.list.query({ appId: deadLettered.appId });
    expect(listed.items.map((d) => d.deliveryId)).toContain(deadLettered.deliveries[0]!.id);

    // Once the dead letter has expired too (a failure older than the retention and its grace), they go.
    await hookline.sql`update deliveries set updated_at = now() - interval '31 days' where event_id = ${deadLettered.id}`;
    expect(await sweepExpired(hookline.db, { retentionSeconds: 30 * day })).toMatchObject({ events: 1 });
    expect(await rowsOf(deadLettered.id)).toEqual({ events: 0, deliveries: 0, attempts: 0 });
  });

  it('forgets an idempotency key with its event: the key then creates a new event', async () => {
    const app = await f.makeApp();
    const publish = () =>
      hookline.client.events.publish.mutate({
        appId: app.id,
        type: 'order.created',
        version: '1.0',
        data: { ...orderCreatedV1, orderId: 'ord_idem' },
        idempotencyKey: 'order-ord_idem',
      });
    const first = await publish();
    expect((await publish()).id).toBe(first.id);

    await age(first.id, 2);
    await sweepExpired(hookline.db, { retentionSeconds: day });
    const second = await publish();
    expect(second.id).not.toBe(first.id);
  });

  it('moves past more live events with one timestamp than a chunk holds, and removes the expired ones after them', async () => {
    const app = await f.makeApp();
    const endpoint = await f.makeEndpoint({ appId: app.id, url: receiver.url('/never-called') });
    // One transaction's events share its created_at: 120 pending, then 30 settled a second later.
    await hookline.sql`
      with e as (
        insert into events (id, app_id, type, version, data, created_at)
        select 'evt_tie' || lpad(i::text, 4, '0'), ${app.id}, 'order.created', '1.0', '{}'::json,
               now() - interval '2 days' + case when i > 120 then interval '1 second' else interval '0' end
          from generate_series(1, 150) i
        returning id
      )
      insert into deliveries (id, app_id, event_id, endpoint_id, status, attempt_count, created_at)
      select 'dlv_tie' || substr(e.id, 8), ${app.id}, e.id, ${endpoint.id},
             case when substr(e.id, 8)::int <= 120 then 'pending' else 'delivered' end, 0, now() - interval '2 days'
        from e`;

    const swept = await sweepExpired(hookline.db, { retentionSeconds: day, chunkSize: 50 });

    expect(swept).toMatchObject({ events: 30, deliveries: 30 });
    // Three chunks of the 150, and one that finds nothing more: never the same 50 live ones again.
    expect(swept.chunks).toBeLessThanOrEqual(4);
    const [left] = await hookline.sql<{ n: number }[]>`
      select count(*)::int as n from events where id like 'evt_tie%'`;
    expect(left!.n).toBe(120);
    await hookline.sql`delete from deliveries where id like 'dlv_tie%'`;
    await hookline.sql`delete from events where id like 'evt_tie%'`;
  });

  it('runs beside publishing without errors or lost deliveries', async () => {
    const app = await f.makeApp();
    receiver.route('/busy', { status: 200 });
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/busy') });
    // Old, settled history to remove: events with a delivery and an attempt each, inserted directly.
    const old = 3_000;
    await hookline.sql`
      with e as (
        insert into events (id, app_id, type, version, data, created_at)
        select 'evt_old' || i, ${app.id}, 'order.created', '1.0', '{}'::json, now() - interval '2 days'
          from generate_series(1, ${old}) i
        returning id
      ), d as (
        insert into deliveries (id, app_id, event_id, endpoint_id, status, attempt_count, created_at)
        select 'dlv_old' || substr(e.id, 8), ${app.id}, e.id, (select id from endpoints where app_id = ${app.id}),
               'delivered', 1, now() - interval '2 days'
          from e
        returning id
      )
      insert into attempts (id, delivery_id, number, started_at, duration_ms, rule)
      select 'atm_old' || substr(d.id, 8), d.id, 1, now() - interval '2 days', 5, 'delivered' from d`;

    const sweeping = sweepExpired(hookline.db, { retentionSeconds: day, chunkSize: 50 });
    const published = await Promise.all(Array.from({ length: 100 }, (_, i) => f.publishOrder(app.id, `ord_busy_${i}`)));
    const swept = await sweeping;
    expect(swept).toMatchObject({ events: old, deliveries: old, attempts: old });
    for (const event of published) await f.waitForDelivery(event.deliveries[0]!.id, 'delivered');
  });
});

describe('stats', () => {
  it("shows an admin the bytes of Hookline's and pg-boss's tables", async () => {
    const { tables } = await hookline.client.stats.tables.query();
    const byName = new Map(tables.map((t) => [t.table, t.bytes]));
    for (const table of ['public.events', 'public.deliveries', 'public.attempts', 'pgboss.job']) {
      expect(byName.get(table)).toBeGreaterThan(0);
    }
  });
});
