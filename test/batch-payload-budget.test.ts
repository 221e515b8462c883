import { expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { useHooklineAndReceiver } from './support/hookline';

// A worker holds at most its batch payload budget of event payloads at once: jobs past it go back to
// the queue for the next fetch, and every delivery still arrives once, with one attempt.
const payloadBudget = 256 * 1024;
const events = 12;

// Started without a worker: each test starts its own.
const env = useHooklineAndReceiver({ worker: false });

/** An order.created of about 100 KB of JSON: a thousand lines with long product ids. */
function largeOrder(orderId: string) {
  const items = Array.from({ length: 1_000 }, (_, i) => ({
    productId: `prod_${String(i).padStart(4, '0')}_${'x'.repeat(60)}`,
    quantity: 1,
    price: 1,
  }));
  return { ...orderCreatedV1, orderId, amount: 1_000, items };
}

it('sends a batch of large events in parts of at most its payload budget, each delivery once', async () => {
  const f = fixtures(env.hookline);
  const app = await f.makeApp('large');
  const endpoint = await f.makeEndpoint({ appId: app.id, url: env.receiver.url('/large') });
  const size = JSON.stringify(largeOrder('ord_0')).length;
  expect(size).toBeGreaterThan(90_000);

  await Promise.all(
    Array.from({ length: events }, (_, i) =>
      env.hookline.client.events.publish.mutate({
        appId: app.id,
        type: 'order.created',
        version: '1.0',
        data: largeOrder(`ord_${i}`),
      }),
    ),
  );

  // Started once every job is queued, so its first fetch takes them all.
  await env.hookline.startWorker({ batchPayloadBytes: payloadBudget, concurrency: 1 });
  await expect
    .poll(
      async () =>
        (
          await env.hookline
            .sql`select count(*)::int as n from deliveries where endpoint_id = ${endpoint.id} and status = 'delivered'`
        )[0]!.n,
      { timeout: 20_000 },
    )
    .toBe(events);
  const orderIds = env.receiver
    .on('/large')
    .map((r) => (JSON.parse(r.body) as { data: { orderId: string } }).data.orderId);
  expect(new Set(orderIds).size).toBe(events);
  expect(orderIds).toHaveLength(events);
  const [recorded] = await env.hookline.sql`
    select count(*)::int as attempts, count(distinct a.delivery_id)::int as deliveries
      from attempts a join deliveries d on d.id = a.delivery_id where d.endpoint_id = ${endpoint.id}`;
  expect(recorded).toEqual({ attempts: events, deliveries: events });

  // Each fetch sent the payloads that fit (a row fits while those before it stay under the budget)
  // and put the rest back: 12 jobs, then 9, 6 and 3 with three ~100 KB payloads per batch.
  const perBatch = Math.ceil(payloadBudget / size);
  expect(perBatch).toBe(3);
  const [putBack] = await env.hookline.sql`
    select count(*)::int as n from pgboss.job
     where name = 'delivery' and output->>'putBack' = 'batch byte budget'`;
  expect(putBack!.n).toBe(9 + 6 + 3);
});
