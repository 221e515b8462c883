import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderCreatedV1 } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';

// Single publishes that arrive together commit together (group commit). Each caller must still get
// exactly the answer it would have got alone: these publish many at once and check every answer.

let hookline: TestHookline;
beforeAll(async () => {
  hookline = await startHookline({ worker: false });
});
afterAll(async () => {
  await hookline?.stop();
});

const order = (appId: string, orderId: string, idempotencyKey?: string) =>
  hookline.client.events.publish.mutate({
    appId,
    type: 'order.created',
    version: '1.0',
    data: { ...orderCreatedV1, orderId },
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  });

it('the same idempotency key published twice at once stores one event; the other answer is its duplicate', async () => {
  const app = await hookline.client.applications.create.mutate({ name: 'keys' });
  const endpoint = await hookline.client.endpoints.create.mutate({ appId: app.id, url: 'http://127.0.0.1:9/ok' });
  const keys = Array.from({ length: 20 }, (_, i) => `order-${i}`);
  const answers = await Promise.all(keys.flatMap((key) => [order(app.id, key, key), order(app.id, key, key)]));

  for (let k = 0; k < keys.length; k++) {
    const [a, b] = [answers[2 * k]!, answers[2 * k + 1]!];
    expect(a.id).toBe(b.id);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    // The duplicate names the deliveries the first one created.
    expect(a.deliveries).toEqual(b.deliveries);
    expect(a.deliveries).toEqual([{ id: expect.stringMatching(/^dlv_/), endpointId: endpoint.id }]);
  }
  const [counts] = await hookline.sql<{ events: number; deliveries: number; jobs: number }[]>`
    select (select count(*)::int from events where app_id = ${app.id}) as events,
           (select count(*)::int from deliveries where app_id = ${app.id}) as deliveries,
           (select count(*)::int from pgboss.job j join deliveries d on d.job_id = j.id where d.app_id = ${app.id}) as jobs`;
  expect(counts).toEqual({ events: keys.length, deliveries: keys.length, jobs: keys.length });
});

it('a publish that fails among others fails alone: its neighbours are stored and answered', async () => {
  const app = await hookline.client.applications.create.mutate({ name: 'neighbours' });
  const settled = await Promise.allSettled([
    ...Array.from({ length: 30 }, (_, i) => order(app.id, `good-${i}`)),
    // An application that does not exist: the events' foreign key fails inside the transaction.
    ...Array.from({ length: 5 }, (_, i) => order('app_doesnotexist', `bad-${i}`)),
  ]);
  const good = settled.slice(0, 30);
  const bad = settled.slice(30);
  expect(good.every((s) => s.status === 'fulfilled' && s.value.duplicate === false)).toBe(true);
  for (const s of bad) {
    expect(s.status).toBe('rejected');
    const error = (s as PromiseRejectedResult).reason as unknown;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).message).toMatch(/application app_doesnotexist/);
  }
  const [stored] = await hookline.sql<{ n: number }[]>`select count(*)::int as n from events where app_id = ${app.id}`;
  expect(stored!.n).toBe(30);
});
