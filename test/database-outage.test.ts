import { createHooklineClient } from '@hookline/client';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTcpProxy } from './support/tcp-proxy';

let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => receiver?.close());

const counts = async (hookline: TestHookline) =>
  (
    await hookline.sql<{ events: number; deliveries: number; jobs: number }[]>`
      select (select count(*)::int from events) as events,
             (select count(*)::int from deliveries) as deliveries,
             (select count(*)::int from pgboss.job where name = 'delivery') as jobs`
  )[0]!;

async function expectUnavailable(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 503, code: 'unavailable' });
  expect((error as Error).message).toMatch(/database is unavailable/);
}

describe('the API during a database outage', () => {
  let hookline: TestHookline;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    proxy = await startTcpProxy(databaseUrl);
    // The API reaches PostgreSQL only through the proxy; the test's own SQL goes around it.
    hookline = await startHookline({ databaseUrl, api: { databaseUrl: proxy.url }, worker: false });
  });
  afterAll(async () => {
    // stop() takes about 5 s here: postgres.js waits out its end() timeout for a connection that died
    // in the outage and was never used again (it is harmless, and the same without our driver patch).
    await proxy?.up().catch(() => {});
    await hookline?.stop();
    await proxy?.close();
  });

  it('answers 503 unavailable while PostgreSQL is unreachable, stores nothing, and recovers by itself', async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp();
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/outage') });
    await f.publishOrder(app.id, 'ord_before');
    const before = await counts(hookline);

    await proxy.down();
    await expectUnavailable(f.publishOrder(app.id, 'ord_during'));
    await expectUnavailable(
      hookline.client.events.publishBatch.mutate({
        appId: app.id,
        events: [{ type: 'order.created', version: '1.0', data: orderCreatedV1 }],
      }),
    );
    expect(await counts(hookline)).toEqual(before);

    await proxy.up();
    const after = await f.publishOrder(app.id, 'ord_after');
    expect(after.deliveries).toHaveLength(1);
    expect(await counts(hookline)).toEqual({
      events: before.events + 1,
      deliveries: before.deliveries + 1,
      jobs: before.jobs + 1,
    });
  });

  it('a connection lost in the middle of the publish transaction leaves nothing half-written', async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp();
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/outage-mid') });
    const before = await counts(hookline);
    // The server ends the API's session after the event row is written and before the deliveries are:
    // the connection is gone mid-transaction, exactly as when PostgreSQL goes down there.
    await hookline.sql.unsafe(`
      create function end_session() returns trigger language plpgsql as $$
        begin perform pg_terminate_backend(pg_backend_pid()); return new; end $$;
      create trigger end_session before insert on deliveries for each row execute function end_session();`);
    try {
      await expectUnavailable(f.publishOrder(app.id, 'ord_mid'));
    } finally {
      await hookline.sql.unsafe('drop trigger end_session on deliveries; drop function end_session();');
    }
    expect(await counts(hookline)).toEqual(before);
    expect((await f.publishOrder(app.id, 'ord_again')).deliveries).toHaveLength(1);
  });

  it('says the outcome is unknown, naming the event, when the connection is lost after COMMIT was sent', async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp();
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/outage-commit') });
    const before = await counts(hookline);
    // Fresh connections (see cutAfterCommit), then a read that shows the pool has reconnected.
    const reconnected = async () => {
      proxy.resetConnections();
      await expect
        .poll(() =>
          client.applications.get.query({ appId: app.id }).then(
            () => true,
            () => false,
          ),
        )
        .toBe(true);
    };
    const stored = async (id: string) =>
      (await hookline.sql<{ n: number }[]>`select count(*)::int as n from events where id = ${id}`)[0]!.n;

    // tRPC: one attempt, so the answer is the server's and not a retry's.
    const client = createHooklineClient({ url: hookline.url, apiKey: testAdminKey, attempts: 1 });
    await reconnected();
    const cut = proxy.cutAfterCommit();
    const error = await client.events.publish
      .mutate({ appId: app.id, type: 'order.created', version: '1.0', data: orderCreatedV1 })
      .catch((e: unknown) => e);
    await cut;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 503, code: 'unavailable' });
    const message = (error as Error).message;
    expect(message).toMatch(/outcome is unknown/);
    expect(message).not.toMatch(/nothing was stored/);
    const eventId = /evt_\w+/.exec(message)?.[0];
    expect(eventId).toBeDefined();
    // The server did apply the COMMIT: "nothing was stored" would have been a lie.
    await expect.poll(() => stored(eventId!)).toBe(1);

    // REST, with an idempotency key: the same answer, and publishing again is safe.
    const publishOverRest = () =>
      fetch(`${hookline.url}/api/v1/applications/${app.id}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'order.created', version: '1.0', data: orderCreatedV1, idempotencyKey: 'cut-1' }),
      });
    await reconnected();
    const restCut = proxy.cutAfterCommit();
    const unknown = await publishOverRest();
    await restCut;
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('1');
    const body = (await unknown.json()) as { code: string; message: string };
    expect(body.code).toBe('unavailable');
    expect(body.message).toMatch(/outcome is unknown: event evt_\w+ may or may not have been stored/);
    expect(body.message).toMatch(/same idempotency key/);
    const restEventId = /evt_\w+/.exec(body.message)![0];
    await expect.poll(() => stored(restEventId)).toBe(1);
    const again = (await (await publishOverRest()).json()) as { id: string; duplicate: boolean };
    expect(again).toMatchObject({ id: restEventId, duplicate: true });

    // Each committed event is whole: its delivery and job committed with it.
    expect(await counts(hookline)).toEqual({
      events: before.events + 2,
      deliveries: before.deliveries + 2,
      jobs: before.jobs + 2,
    });
  });
});

describe('the worker after its connections are killed', () => {
  it('reconnects by itself and keeps delivering', async () => {
    const hookline = await startHookline();
    try {
      const f = fixtures(hookline);
      const app = await f.makeApp();
      receiver.route('/reconnect', { status: 204 });
      await f.makeEndpoint({ appId: app.id, url: receiver.url('/reconnect') });
      const first = await f.publishOrder(app.id, 'ord_1');
      await f.waitForDelivery(first.deliveries[0]!.id, 'delivered');

      // Every connection the worker holds (its Drizzle pool, pg-boss's pool and its LISTEN connection).
      const terminated = await hookline.sql<{ pid: number }[]>`
        select pid from pg_stat_activity
         where datname = current_database() and application_name like 'hookline-delivery%' and pg_terminate_backend(pid)`;
      expect(terminated.length).toBeGreaterThan(1);

      const second = await f.publishOrder(app.id, 'ord_2');
      await f.waitForDelivery(second.deliveries[0]!.id, 'delivered', 15_000);
      const [reconnected] = await hookline.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like 'hookline-delivery%'`;
      expect(reconnected!.n).toBeGreaterThan(0);
    } finally {
      await hookline.stop();
    }
  });
});
