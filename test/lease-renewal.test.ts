import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

// An in-flight lease lives 10 s past its claim or its last renewal, and its worker renews it while the
// lane runs: a request longer than that still holds its endpoint's slot, while a dead worker's lease
// frees within seconds (the orphaned-lease test in endpoint-limits.test.ts).
const requestTimeoutMs = 12_000;

let hookline: TestHookline;
let hanging: TestReceiver;
beforeAll(async () => {
  hookline = await startHookline({ delivery: { requestTimeoutMs } });
  hanging = await startReceiver({ fallback: { hang: true } });
});
afterAll(async () => {
  await hookline?.stop();
  await hanging?.close();
});

it('keeps a lease alive past its 10 s life while its request runs: maxInFlight 1 sends no second request', async () => {
  const f = fixtures(hookline);
  const app = await f.makeApp('renewal');
  const endpoint = await f.makeEndpoint({
    appId: app.id,
    url: hanging.url('/hang'),
    maxInFlight: 1,
    retrySchedule: [],
  });
  await f.publishOrders(app.id, 2);
  await expect.poll(() => hanging.requests.length, { timeout: 5_000, interval: 20 }).toBe(1);
  const firstAt = hanging.requests[0]!.receivedAt;

  // Past the lease's own life, before the first request's timeout: still the only request.
  await new Promise((resolve) => setTimeout(resolve, firstAt + 11_000 - (performance.timeOrigin + performance.now())));
  expect(hanging.requests).toHaveLength(1);
  const [row] = await hookline.sql<{ leases: number; untilMs: number }[]>`
    select jsonb_array_length(leases)::int as leases,
           extract(epoch from (select max((x->>'until')::timestamptz) from jsonb_array_elements(leases) x) - clock_timestamp()) * 1000 as "untilMs"
      from endpoint_throttles where endpoint_id = ${endpoint.id}`;
  expect(row!.leases).toBe(1);
  // Renewed within the last few seconds: it runs out well after now.
  expect(Number(row!.untilMs)).toBeGreaterThan(4_000);

  // The first request times out, its lease is released, and the second goes.
  await expect.poll(() => hanging.requests.length, { timeout: 10_000, interval: 50 }).toBe(2);
  expect(hanging.requests[1]!.receivedAt - firstAt).toBeGreaterThanOrEqual(requestTimeoutMs - 100);
}, 40_000);
