import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

// The operator's queries from docs/delivery.md ("Dead letters with SQL"), run exactly as
// written there, so the documentation cannot drift from pg-boss's tables or ours.
const doc = new URL('../docs/delivery.md', import.meta.url);

async function documentedQueries(): Promise<Map<string, string>> {
  const text = await readFile(doc, 'utf8');
  const queries = new Map<string, string>();
  for (const [, body] of text.matchAll(/```sql\n([\s\S]*?)```/g)) {
    const name = /^-- name: (\S+)/.exec(body!)?.[1];
    if (name) queries.set(name, body!);
  }
  return queries;
}

let hookline: TestHookline;
let receiver: TestReceiver;
beforeAll(async () => {
  hookline = await startHookline();
  receiver = await startReceiver({ fallback: { status: 500, body: 'down for maintenance' } });
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

it('the documented dead-letter queries list, count by endpoint and explain one', async () => {
  const queries = await documentedQueries();
  expect([...queries.keys()].sort()).toEqual(['count-by-endpoint', 'error-of-one', 'list']);

  const f = fixtures(hookline);
  const app = await f.makeApp();
  // Empty schedules: one attempt each, then the dead-letter queue.
  const a = await f.makeEndpoint({
    appId: app.id,
    url: receiver.url('/a'),
    retrySchedule: [],
    eventTypes: ['order.created'],
  });
  const b = await f.makeEndpoint({
    appId: app.id,
    url: receiver.url('/b'),
    retrySchedule: [],
    eventTypes: ['customer.created'],
  });
  const orders = [
    await f.publishOrder(app.id, 'ord_1'),
    await f.publishOrder(app.id, 'ord_2'),
    await f.publishOrder(app.id, 'ord_3'),
  ];
  const customer = await hookline.client.events.publish.mutate({
    appId: app.id,
    type: 'customer.created',
    version: '1.0',
    data: { customerId: 'cus_1', email: 'ada@example.com', name: 'Ada', createdAt: '2025-01-15T10:30:00.000Z' },
  });
  await expect
    .poll(async () => (await hookline.client.deadLetters.list.query({ appId: app.id })).items.length, {
      timeout: 10_000,
    })
    .toBe(4);
  // A replayed dead letter is settled, so the operator's queries no longer show it.
  const replayed = (await hookline.client.deadLetters.list.query({ endpointId: a.id })).items.find(
    (d) => d.deliveryId === orders[2]!.deliveries[0]!.id,
  )!;
  receiver.route('/a', { status: 204 });
  await hookline.client.deadLetters.replay.mutate({ ids: [replayed.id] });
  await f.waitForDelivery(replayed.deliveryId, 'delivered');

  // psql's :'delivery_id' becomes a bind parameter; everything else runs as documented.
  const run = (name: string, params: string[] = []) =>
    hookline.sql.unsafe(
      queries.get(name)!.replace(":'delivery_id'", () => '$1'),
      params,
    );

  const list = await run('list');
  expect(list.map((r) => r.delivery_id).sort()).toEqual(
    [orders[0]!.deliveries[0]!.id, orders[1]!.deliveries[0]!.id, customer.deliveries[0]!.id].sort(),
  );
  expect(list[0]).toMatchObject({
    dead_letter_id: expect.any(String),
    app_id: app.id,
    rule: 'schedule_exhausted',
    error: 'HTTP 500',
  });

  expect(await run('count-by-endpoint')).toEqual([
    { endpoint_id: a.id, url: a.url, enabled: true, dead_letters: '2' },
    { endpoint_id: b.id, url: b.url, enabled: true, dead_letters: '1' },
  ]);

  const [why] = await run('error-of-one', [customer.deliveries[0]!.id]);
  expect(why).toMatchObject({
    error: 'HTTP 500',
    rule: 'schedule_exhausted',
    reason: 'all 1 attempts failed',
    attempts: 1,
    response_status: 500,
    response_body: 'down for maintenance',
    failed_job_id: expect.any(String),
  });
});
