import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderCreatedV1 } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

// One receiver that never answers must not slow the others: its requests are left running past
// their batch (detached, each covered by a watchdog job), and once it holds its share of slow
// requests its next jobs are deferred in the queue instead of sent.
const requestTimeoutMs = 3_000;

let hookline: TestHookline;
let healthy: TestReceiver;
let hanging: TestReceiver;
beforeAll(async () => {
  hookline = await startHookline({
    delivery: { requestTimeoutMs, concurrency: 1 },
  });
  healthy = await startReceiver();
  hanging = await startReceiver({ fallback: { hang: true } });
});
afterAll(async () => {
  await hookline?.stop();
  await healthy?.close();
  await hanging?.close();
});

async function deliveriesOf(endpointId: string) {
  return hookline.sql<{ status: string; attempts: number }[]>`
    select d.status, (select count(*)::int from attempts a where a.delivery_id = d.id) as attempts
      from deliveries d where d.endpoint_id = ${endpointId}`;
}

it('delivers to healthy endpoints while another hangs, then dead-letters the hanging one through its watchdogs', async () => {
  const app = await hookline.client.applications.create.mutate({ name: 'isolation' });
  const good = await hookline.client.endpoints.create.mutate({ appId: app.id, url: healthy.url('/ok') });
  const bad = await hookline.client.endpoints.create.mutate({
    appId: app.id,
    url: hanging.url('/hang'),
    retrySchedule: [],
  });
  const publish = () =>
    hookline.client.events.publishBatch.mutate({
      appId: app.id,
      events: Array.from({ length: 10 }, () => ({
        type: 'order.created' as const,
        version: '1.0' as const,
        data: orderCreatedV1,
      })),
    });

  const started = Date.now();
  await publish();
  await expect
    .poll(async () => (await deliveriesOf(good.id)).filter((d) => d.status === 'delivered').length, { timeout: 10_000 })
    .toBe(10);
  // The healthy deliveries did not wait for the hanging requests: none of those has timed out yet.
  expect(Date.now() - started).toBeLessThan(requestTimeoutMs);
  expect((await deliveriesOf(bad.id)).every((d) => d.attempts === 0)).toBe(true);
  expect(hanging.requests).toHaveLength(10);

  // The hanging endpoint now holds more than its 2 slow requests: new jobs for it wait in the queue.
  await publish();
  await expect
    .poll(async () => (await deliveriesOf(good.id)).filter((d) => d.status === 'delivered').length, { timeout: 10_000 })
    .toBe(20);
  const [deferred] = await hookline.sql`
    select count(*)::int as n from pgboss.job where name = 'delivery' and (data->>'deferrals')::int = 1 and state = 'created'`;
  expect(deferred!.n).toBe(10);
  expect(hanging.requests).toHaveLength(10);

  // The first ten time out, are recorded as given up, and their watchdogs carry them to the dead-letter queue.
  await expect
    .poll(async () => (await deliveriesOf(bad.id)).filter((d) => d.status === 'failed').length, {
      timeout: requestTimeoutMs + 10_000,
    })
    .toBe(10);
  const [timedOut] = await hookline.sql`select count(*)::int as n from attempts where error_class = 'timeout'`;
  expect(timedOut!.n).toBe(10);
  await expect
    .poll(
      async () =>
        (await hookline.sql`select count(*)::int as n from pgboss.job where name = 'delivery-dead-letter'`)[0]!.n,
      { timeout: 10_000 },
    )
    .toBe(10);
}, 40_000);
