import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderCreatedV1 } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

// One receiver that never answers must not slow the others: its requests are left running past
// their batch (detached, each covered by a watchdog job), and once it holds its maxInFlight requests
// its next jobs are deferred in the queue instead of sent, by every worker.
const requestTimeoutMs = 3_000;

let hookline: TestHookline;
let healthy: TestReceiver;
let hanging: TestReceiver;
beforeAll(async () => {
  hookline = await startHookline({ delivery: { requestTimeoutMs, concurrency: 1 } });
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

it('delivers to healthy endpoints while another hangs, holds the hanging one to its maxInFlight, and dead-letters it through its watchdogs', async () => {
  const app = await hookline.client.applications.create.mutate({ name: 'isolation' });
  const good = await hookline.client.endpoints.create.mutate({ appId: app.id, url: healthy.url('/ok') });
  const bad = await hookline.client.endpoints.create.mutate({
    appId: app.id,
    url: hanging.url('/hang'),
    retrySchedule: [],
    maxInFlight: 2,
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

  const started = performance.now();
  await publish();
  await expect
    .poll(async () => (await deliveriesOf(good.id)).filter((d) => d.status === 'delivered').length, { timeout: 10_000 })
    .toBe(10);
  // The healthy deliveries did not wait for the hanging requests: none of those has timed out yet.
  expect(performance.now() - started).toBeLessThan(requestTimeoutMs);
  // Two requests hang; the others wait in the queue (deferred): no attempt, no effect on health.
  await expect
    .poll(
      async () =>
        (
          await hookline.sql`
            select count(*)::int as n from pgboss.job j join deliveries d on d.id = j.data->>'deliveryId'
             where j.name = 'delivery' and d.endpoint_id = ${bad.id} and (j.data->>'deferrals')::int >= 1`
        )[0]!.n,
      { timeout: 5_000 },
    )
    .toBeGreaterThanOrEqual(8);
  await expect.poll(() => hanging.requests.length, { timeout: requestTimeoutMs }).toBeGreaterThanOrEqual(2);
  const firstSent = Math.min(...hanging.requests.map((r) => r.receivedAt));
  expect(hanging.requests.filter((r) => r.receivedAt < firstSent + requestTimeoutMs - 100).length).toBe(2);
  // Only attempts count towards health (the timed-out ones, once recorded), never a deferral.
  const [state] = await hookline.sql<{ failures: number; attempts: number }[]>`
    select e.consecutive_failures as failures,
           (select count(*)::int from attempts a join deliveries d on d.id = a.delivery_id where d.endpoint_id = e.id) as attempts
      from endpoints e where e.id = ${bad.id}`;
  expect(state!.failures).toBe(state!.attempts);
  expect(state!.attempts).toBeLessThanOrEqual(hanging.requests.length);

  // The two time out, are recorded as given up, and their watchdogs carry them to the dead-letter queue;
  // only then are the next two sent.
  await expect
    .poll(async () => (await deliveriesOf(bad.id)).filter((d) => d.status === 'failed').length, {
      timeout: requestTimeoutMs + 10_000,
    })
    .toBeGreaterThanOrEqual(2);
  const [timedOut] = await hookline.sql`select count(*)::int as n from attempts where error_class = 'timeout'`;
  expect(timedOut!.n).toBeGreaterThanOrEqual(2);
  await expect
    .poll(
      async () =>
        (await hookline.sql`select count(*)::int as n from pgboss.job where name = 'delivery-dead-letter'`)[0]!.n,
      { timeout: 10_000 },
    )
    .toBeGreaterThanOrEqual(2);
  // Never more than two at once: a third request came only after the first two timed out.
  const times = hanging.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
  for (let i = 2; i < times.length; i++)
    expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(requestTimeoutMs - 50);
}, 40_000);
