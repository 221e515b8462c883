import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import type { HooklineProcess } from './support/hookline-process';
import { startHookline, type TestHookline } from './support/hookline';
import { busiestSecond, startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { spawnWorker } from './support/worker-process';

// An endpoint's rateLimit and maxInFlight hold over every worker together: two worker processes
// share one database here, and the receivers' clocks judge the result.

const rateLimit = 20;
const rateEvents = 600;
const slowEvents = 40;
const slowMs = 300;

let hookline: TestHookline;
let f: ReturnType<typeof fixtures>;
const workers: HooklineProcess[] = [];
let fast: TestReceiver;
let slow: TestReceiver;

beforeAll(async () => {
  hookline = await startHookline({ worker: false });
  f = fixtures(hookline);
  fast = await startReceiver();
  slow = await startReceiver({ delayMs: slowMs });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.dispose()));
  await hookline?.stop();
  await fast?.close();
  await slow?.close();
});

const distinctIds = (requests: ReceivedRequest[]) => new Set(requests.map((r) => r.headers['webhook-id'] as string));

describe('rateLimit and maxInFlight across two worker processes', () => {
  it('paces a rate-limited endpoint, caps a slow one, and neither slows an unlimited neighbour', async () => {
    for (let i = 0; i < 2; i++) {
      workers.push(spawnWorker({ DATABASE_URL: hookline.databaseUrl, HOOKLINE_REQUEST_TIMEOUT_MS: '5000' }));
    }
    await Promise.all(workers.map((w) => w.ready(30_000)));

    const paced = await hookline.client.applications.create.mutate({ name: 'paced' });
    const limited = await hookline.client.endpoints.create.mutate({
      appId: paced.id,
      url: fast.url('/limited'),
      rateLimit,
    });
    const unlimited = await hookline.client.endpoints.create.mutate({ appId: paced.id, url: fast.url('/unlimited') });
    const capped = await hookline.client.applications.create.mutate({ name: 'capped' });
    const slowEndpoint = await hookline.client.endpoints.create.mutate({
      appId: capped.id,
      url: slow.url('/slow'),
      maxInFlight: 2,
    });

    const started = performance.now();
    await Promise.all([f.publishOrders(paced.id, rateEvents), f.publishOrders(capped.id, slowEvents)]);

    // The unlimited endpoint gets the same 600 events at full speed, while the limited one needs 30 s.
    await expect
      .poll(() => distinctIds(fast.on('/unlimited')).size, { timeout: 20_000, interval: 50 })
      .toBe(rateEvents);
    const unlimitedSeconds = (performance.now() - started) / 1000;

    await expect.poll(() => distinctIds(slow.on('/slow')).size, { timeout: 40_000, interval: 100 }).toBe(slowEvents);
    await expect.poll(() => distinctIds(fast.on('/limited')).size, { timeout: 60_000, interval: 200 }).toBe(rateEvents);
    const limitedSeconds = (performance.now() - started) / 1000;
    expect(unlimitedSeconds).toBeLessThan(limitedSeconds / 2);

    // Every event exactly once on each endpoint.
    expect(fast.on('/limited')).toHaveLength(rateEvents);
    expect(fast.on('/unlimited')).toHaveLength(rateEvents);
    expect(slow.on('/slow')).toHaveLength(slowEvents);

    // Paced: at most rate + 10 % in any second of the receiver's clock.
    const limitedRequests = fast.on('/limited');
    const busiest = busiestSecond(limitedRequests);
    expect(busiest).toBeLessThanOrEqual(22);
    const times = limitedRequests.map((r) => r.receivedAt).sort((a, b) => a - b);
    const meanRate = (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
    expect(meanRate).toBeLessThanOrEqual(rateLimit);

    // Capped: a slot frees only when a request is answered, so the request two places later arrives
    // at least one answer's delay after it (never 3 running at once).
    const slowTimes = slow
      .on('/slow')
      .map((r) => r.receivedAt)
      .sort((a, b) => a - b);
    const tightest = Math.min(...slowTimes.slice(2).map((t, i) => t - slowTimes[i]!));
    expect(tightest).toBeGreaterThanOrEqual(slowMs - 5);

    // Waiting is not an attempt: one attempt per delivery, though many jobs were deferred, and the
    // endpoints' health saw nothing but successes.
    const [attempts] = await hookline.sql<{ n: number; deliveries: number }[]>`
      select count(*)::int as n, count(distinct delivery_id)::int as deliveries from attempts`;
    expect(attempts).toEqual({ n: 2 * rateEvents + slowEvents, deliveries: 2 * rateEvents + slowEvents });
    const [deferred] = await hookline.sql<{ n: number }[]>`
      select count(*)::int as n from pgboss.job j join deliveries d on d.id = j.data->>'deliveryId'
       where j.name = 'delivery' and (j.data->>'deferrals')::int > 0 and d.endpoint_id in (${limited.id}, ${slowEndpoint.id})`;
    expect(deferred!.n).toBeGreaterThan(0);
    const health = await hookline.sql`
      select consecutive_failures, failing_since from endpoints where id in (${limited.id}, ${slowEndpoint.id}, ${unlimited.id})`;
    expect(health).toEqual(health.map(() => ({ consecutive_failures: 0, failing_since: null })));
    // The leases are all given back.
    const [leases] = await hookline.sql<{ n: number }[]>`
      select coalesce(sum(jsonb_array_length(leases)), 0)::int as n from endpoint_throttles`;
    expect(leases!.n).toBe(0);

    console.log(
      `endpoint limits: rateLimit ${rateLimit}: ${rateEvents} requests in ${(
        (times.at(-1)! - times[0]!) /
        1000
      ).toFixed(1)} s, mean ${meanRate.toFixed(2)}/s, busiest second ${busiest}; unlimited neighbour done after ` +
        `${unlimitedSeconds.toFixed(1)} s (limited ${limitedSeconds.toFixed(1)} s); maxInFlight 2 at ${slowMs} ms: ` +
        `closest third request ${tightest} ms after the first; ${deferred!.n} deferred jobs`,
    );

    for (const w of workers) w.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual(workers.map(() => ({ code: 0, signal: null })));
  }, 120_000);
});

describe('endpoint limits in the API', () => {
  let appId: string;
  beforeAll(async () => {
    appId = (await hookline.client.applications.create.mutate({ name: 'limits api' })).id;
  });

  it('are set on create and update, shown by get and list, and null removes the rate limit', async () => {
    const created = await hookline.client.endpoints.create.mutate({ appId, url: fast.url('/api'), rateLimit: 0.5 });
    expect(created).toMatchObject({ rateLimit: 0.5, maxInFlight: 10 });
    const updated = await hookline.rest('PATCH', `/endpoints/${created.id}`, { maxInFlight: 3, rateLimit: null });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ rateLimit: null, maxInFlight: 3 });
    expect(await hookline.client.endpoints.get.query({ endpointId: created.id })).toMatchObject({
      rateLimit: null,
      maxInFlight: 3,
    });
    const listed = (await hookline.client.endpoints.list.query({ appId })).items.find((e) => e.id === created.id);
    expect(listed).toMatchObject({ rateLimit: null, maxInFlight: 3 });
    const viaRest = await hookline.rest('POST', `/applications/${appId}/endpoints`, {
      url: fast.url('/api-rest'),
      rateLimit: 1000,
      maxInFlight: 1000,
    });
    expect(viaRest.status).toBe(200);
    expect(viaRest.body).toMatchObject({ rateLimit: 1000, maxInFlight: 1000 });
  });

  it('refuses values out of bounds with a 400 naming the field, over REST and tRPC, and changes nothing', async () => {
    const endpoint = await hookline.client.endpoints.create.mutate({ appId, url: fast.url('/api-bad'), rateLimit: 5 });
    const bad = [
      { body: { rateLimit: 0.05 }, says: 'rateLimit: must be at least 0.1 requests per second' },
      { body: { rateLimit: 0 }, says: 'rateLimit: must be at least 0.1' },
      { body: { rateLimit: 10_001 }, says: 'rateLimit: must be at most 10000' },
      { body: { maxInFlight: 0 }, says: 'maxInFlight: must be at least 1 request' },
      { body: { maxInFlight: 1001 }, says: 'maxInFlight: must be at most 1000 requests' },
      { body: { maxInFlight: 2.5 }, says: 'maxInFlight: must be a whole number' },
      { body: { maxInFlight: null }, says: 'maxInFlight' },
    ];
    for (const { body, says } of bad) {
      const patched = await hookline.rest('PATCH', `/endpoints/${endpoint.id}`, body);
      expect(patched.status, JSON.stringify(body)).toBe(400);
      expect(patched.body.message).toContain(says);
      const created = await hookline.rest('POST', `/applications/${appId}/endpoints`, { url: fast.url('/x'), ...body });
      expect(created.status, JSON.stringify(body)).toBe(400);
      expect(created.body.message).toContain(says);
    }
    const refused = await hookline.client.endpoints.update
      .mutate({ endpointId: endpoint.id, maxInFlight: 0 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<never>).message).toContain('maxInFlight: must be at least 1 request');
    expect(((refused as TRPCClientError<never>).data as unknown as { httpStatus: number }).httpStatus).toBe(400);
    expect(await hookline.client.endpoints.get.query({ endpointId: endpoint.id })).toMatchObject({
      rateLimit: 5,
      maxInFlight: 10,
    });
  });
});

describe('a worker that died holding a lease', () => {
  it('blocks the endpoint only until the lease expires; the delivery then goes out, with no attempt before', async () => {
    const app = await f.makeApp('orphaned lease');
    const endpoint = await f.makeEndpoint({ appId: app.id, url: fast.url('/orphaned'), maxInFlight: 1 });
    // What a killed worker leaves behind: its one lease, never released, expiring in 3 s.
    const [lease] = await hookline.sql<{ until: Date }[]>`
      insert into endpoint_throttles (endpoint_id, leases)
      values (${endpoint.id}, jsonb_build_array(jsonb_build_object(
        'id', gen_random_uuid(), 'until', clock_timestamp() + interval '3 seconds')))
      returning (leases->0->>'until')::timestamptz as until`;
    await hookline.startWorker();
    const event = await hookline.client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: orderCreatedV1,
    });
    await expect.poll(() => fast.on('/orphaned').length, { timeout: 15_000, interval: 50 }).toBe(1);
    expect(fast.on('/orphaned')[0]!.headers['webhook-id']).toBe(event.id);
    // Not before the dead worker's lease ran out.
    expect(fast.on('/orphaned')[0]!.receivedAt).toBeGreaterThanOrEqual(new Date(lease!.until).getTime() - 50);
    // Recorded once, as attempt 1: the wait before it was no attempt.
    await expect
      .poll(
        () => hookline.sql`select number from attempts a join deliveries d on d.id = a.delivery_id
          where d.endpoint_id = ${endpoint.id}`,
        { timeout: 10_000 },
      )
      .toEqual([{ number: 1 }]);
  });
});
