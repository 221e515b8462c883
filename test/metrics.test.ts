import { createMetrics } from '@hookline/monitoring';
import type { RunningDelivery } from '@hookline/delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { promtool, promtoolMissing } from './support/promtool';
import { startReceiver, type TestReceiver } from './support/receiver';

const scrape = async (baseUrl: string) => {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
};

/** The value of one sample line (`name{labels} value`), or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics after a publish → deliver', () => {
  let hookline: TestHookline;
  let receiver: TestReceiver;
  let worker: RunningDelivery;
  let ids: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    hookline = await startHookline({ worker: false });
    // The worker's own status port, as a deployed worker has (HOOKLINE_WORKER_PORT); 0 picks a free one.
    // Reconciling every second, so a dead letter deleted by hand is noticed within the test.
    worker = await hookline.startWorker({ statusServer: { host: '127.0.0.1', port: 0 }, reconcileSeconds: 1 });
  });
  afterAll(async () => {
    await hookline?.stop();
    await receiver?.close();
  });

  it('delivers one event, dead-letters another, and serves a read by id', async () => {
    const f = fixtures(hookline);
    receiver.route('/ok', { status: 204 });
    receiver.route('/broken', { status: 500 });
    const shop = await f.makeApp('shop');
    const other = await f.makeApp('other');
    const ok = await f.makeEndpoint({ appId: shop.id, url: receiver.url('/ok') });
    // No retries: the first 500 gives up, so a dead letter exists.
    const broken = await f.makeEndpoint({ appId: other.id, url: receiver.url('/broken'), retrySchedule: [] });
    const delivered = await f.publishOrder(shop.id, 'ord_1');
    const failed = await f.publishOrder(other.id, 'ord_2');
    await f.waitForDelivery(delivered.deliveries[0]!.id, 'delivered');
    await f.waitForDelivery(failed.deliveries[0]!.id, 'failed');
    // Published twice with one idempotency key (to an application with no endpoints): one event stored, counted once.
    const quiet = await f.makeApp('quiet');
    for (let i = 0; i < 2; i++) {
      await hookline.client.events.publish.mutate({
        appId: quiet.id,
        type: 'order.created',
        version: '1.0',
        data: orderCreatedV1,
        idempotencyKey: 'order-once',
      });
    }
    ids = [shop.id, other.id, quiet.id, ok.id, broken.id, delivered.id, failed.id, delivered.deliveries[0]!.id];

    // A REST read by id and a path nobody serves, for the route label.
    const read = await fetch(`${hookline.url}/api/v1/events/${delivered.id}`, {
      headers: { authorization: `Bearer ${testAdminKey}` },
    });
    expect(read.status).toBe(200);
    expect((await fetch(`${hookline.url}/wp-admin/${delivered.id}`)).status).toBe(404);
  });

  it("the API's /metrics: publishes, requests by route template, the queue, dead letters and endpoints", async () => {
    await expect
      .poll(async () => sample(await scrape(hookline.url), 'hookline_dead_letters'), { timeout: 15_000, interval: 500 })
      .toBe(1);
    const text = await scrape(hookline.url);
    expect(sample(text, 'hookline_events_published_total{type="order.created"}')).toBe(3);
    expect(sample(text, 'hookline_endpoints{state="enabled"}')).toBe(2);
    expect(sample(text, 'hookline_endpoints{state="disabled"}')).toBe(0);
    expect(sample(text, 'hookline_queue_jobs{state="created"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'hookline_queue_jobs{state="active"}')).toBeGreaterThanOrEqual(0);
    expect(
      sample(text, 'hookline_http_requests_total{method="GET",route="/api/v1/events/{eventId}",status="200"}'),
    ).toBe(1);
    expect(sample(text, 'hookline_http_requests_total{method="POST",route="/trpc/events.publish",status="200"}')).toBe(
      4,
    );
    expect(sample(text, 'hookline_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(
      sample(text, 'hookline_http_request_duration_seconds_count{method="GET",route="/api/v1/events/{eventId}"}'),
    ).toBe(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Bounded labels: no id and no URL ever becomes a label value.
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain('127.0.0.1');
  });

  it("the worker's /metrics: attempts by outcome, request durations and the delivery lag", async () => {
    const text = await scrape(worker.statusUrl!);
    expect(sample(text, 'hookline_delivery_attempts_total{outcome="success"}')).toBe(1);
    expect(sample(text, 'hookline_delivery_attempts_total{outcome="dead"}')).toBe(1);
    expect(sample(text, 'hookline_delivery_attempts_total{outcome="retry"}')).toBe(0);
    expect(sample(text, 'hookline_delivery_attempt_duration_seconds_count')).toBe(2);
    expect(sample(text, 'hookline_delivery_lag_seconds_count')).toBe(1);
    expect(sample(text, 'hookline_delivery_lag_seconds_sum')).toBeGreaterThan(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    for (const id of ids) expect(text).not.toContain(id);
  });

  it("the API's /metrics: the bytes of Hookline's and pg-boss's tables, one series per table", async () => {
    const text = await scrape(hookline.url);
    for (const table of ['public.events', 'public.deliveries', 'public.attempts', 'pgboss.job']) {
      expect(sample(text, `hookline_table_bytes{table="${table}"}`)).toBeGreaterThan(0);
    }
    const tables = text.split('\n').filter((line) => line.startsWith('hookline_table_bytes{'));
    expect(tables.every((line) => /^hookline_table_bytes\{table="(public|pgboss)\.[a-z_]+"\} \d+$/.test(line))).toBe(
      true,
    );
  });

  it("the worker's /metrics: a failed delivery whose dead letter was deleted is counted once", async () => {
    const before = await scrape(worker.statusUrl!);
    expect(sample(before, 'hookline_reconciled_deliveries_total{kind="dead_letter_lost"}')).toBe(0);
    expect(sample(before, 'hookline_reconciled_deliveries_total{kind="requeued"}')).toBe(0);
    await hookline.sql`delete from pgboss.job where name = 'delivery-dead-letter'`;
    await expect
      .poll(
        async () =>
          sample(await scrape(worker.statusUrl!), 'hookline_reconciled_deliveries_total{kind="dead_letter_lost"}'),
        { timeout: 15_000, interval: 250 },
      )
      .toBe(1);
  });

  it.skipIf(promtoolMissing)('both outputs pass promtool check metrics', async () => {
    for (const url of [hookline.url, worker.statusUrl!]) {
      const result = promtool(['check', 'metrics'], await scrape(url))!;
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it('the worker answers /health and /ready on its port, and nothing else', async () => {
    expect((await fetch(`${worker.statusUrl}/health`)).status).toBe(200);
    const ready = await fetch(`${worker.statusUrl}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    expect((await fetch(`${worker.statusUrl}/api/v1/events`)).status).toBe(404);
  });
});

describe('HOOKLINE_METRICS=off', () => {
  it('records nothing and serves no /metrics; /health and /ready still answer', async () => {
    const hookline = await startHookline({ worker: false, api: { metrics: createMetrics({ enabled: false }) } });
    try {
      expect((await fetch(`${hookline.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${hookline.url}/health`)).status).toBe(200);
      expect((await fetch(`${hookline.url}/ready`)).status).toBe(200);
    } finally {
      await hookline.stop();
    }
  });
});
