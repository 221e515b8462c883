import { createLogger } from '@hookline/log';
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTcpProxy } from './support/tcp-proxy';

/**
 * A PostgreSQL outage under publish load: 100 callers keep publishing while the API's connections
 * are refused for 10 s. Every call is answered quickly with 503 `unavailable`, nothing is
 * half-written, and once the database is back a publish succeeds within 2 s.
 */
const callers = 100;
const outageMs = 10_000;

let receiver: TestReceiver;
let hookline: TestHookline;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
/** A logger that keeps the message of every line it writes. */
const captureMessages = (service: string, messages: string[]) =>
  createLogger(service, { write: (line) => void messages.push((JSON.parse(line) as { message: string }).message) });

/** What the API and the worker logged, by process. */
const logged: { api: string[]; delivery: string[] } = { api: [], delivery: [] };
beforeAll(async () => {
  receiver = await startReceiver();
  const databaseUrl = await createTestDatabase();
  proxy = await startTcpProxy(databaseUrl);
  // The API and the worker reach PostgreSQL only through the proxy; the test's own SQL goes around it.
  hookline = await startHookline({
    databaseUrl,
    api: { databaseUrl: proxy.url, log: captureMessages('api', logged.api) },
    worker: false,
  });
  await hookline.startWorker({ databaseUrl: proxy.url, log: captureMessages('delivery', logged.delivery) });
});
afterAll(async () => {
  await proxy?.up().catch(() => {});
  await hookline?.stop();
  await proxy?.close();
  await receiver?.close();
});

type Answer = { status: number; code: string | null; retryAfter: string | null };

/**
 * One REST publish and its answer. Plain node:http with a keep-alive agent: under this load the
 * global fetch served some callers' requests seconds late (queued on its side, never sent), which
 * would measure the client rather than the API.
 */
function publishOver(agent: http.Agent, appId: string, key: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${hookline.url}/api/v1/applications/${appId}/events`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve({
            status,
            code: status >= 400 ? (JSON.parse(text) as { code: string }).code : null,
            retryAfter: response.headers['retry-after'] ?? null,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(
      JSON.stringify({
        type: 'order.created',
        version: '1.0',
        data: { ...orderCreatedV1, orderId: key },
        idempotencyKey: key,
      }),
    );
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

const counts = async () =>
  (
    await hookline.sql<{ events: number; deliveries: number; jobs: number; outageEvents: number }[]>`
      select (select count(*)::int from events) as events,
             (select count(*)::int from deliveries) as deliveries,
             (select count(*)::int from pgboss.job where name = 'delivery') as jobs,
             (select count(*)::int from events where idempotency_key like 'outage-%') as "outageEvents"`
  )[0]!;

it(
  `answers ${callers} concurrent publishes within 2.5 s while PostgreSQL is down, and recovers within 2 s`,
  { timeout: 90_000 },
  async () => {
    const f = fixtures(hookline);
    const app = await f.makeApp();
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/load') });
    const agent = new http.Agent({ keepAlive: true });
    const publish = (key: string) => publishOver(agent, app.id, key);
    // The callers connect (and the code paths warm up) before the outage, as a live service's would.
    await Promise.all(Array.from({ length: callers }, (_, caller) => publish(`warm-up-${caller}`)));
    const before = await counts();

    await proxy.down();
    const downAt = performance.now();
    const calls: { ms: number; outcome: string; retryAfter: string | null }[] = [];
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let n = 0; performance.now() - downAt < outageMs; n++) {
          const startedAt = performance.now();
          const answer = await publish(`outage-${caller}-${n}`);
          calls.push({
            ms: performance.now() - startedAt,
            outcome: `${answer.status} ${answer.code}`,
            retryAfter: answer.retryAfter,
          });
        }
      }),
    );

    await proxy.up();
    const upAt = performance.now();
    let firstSuccessMs: number | null = null;
    for (let n = 0; firstSuccessMs === null && performance.now() - upAt < 10_000; n++) {
      if ((await publish(`after-${n}`)).status < 300) firstSuccessMs = performance.now() - upAt;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    agent.destroy();

    const times = calls.map((c) => c.ms).sort((a, b) => a - b);
    const outcomes: Record<string, number> = {};
    for (const c of calls) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
    const summary = {
      calls: calls.length,
      outcomes,
      p50Ms: Math.round(percentile(times, 0.5)),
      p99Ms: Math.round(percentile(times, 0.99)),
      maxMs: Math.round(times.at(-1)!),
      firstSuccessMs: firstSuccessMs === null ? null : Math.round(firstSuccessMs),
    };
    // The figures docs/operations.md quotes.
    console.log(`database outage under load: ${JSON.stringify(summary)}`);

    expect(calls.length).toBeGreaterThanOrEqual(callers);
    expect(summary.outcomes).toEqual({ '503 unavailable': calls.length });
    expect(calls.every((c) => c.retryAfter === '1')).toBe(true);
    expect(summary.p99Ms).toBeLessThanOrEqual(2_500);
    expect(firstSuccessMs).not.toBeNull();
    expect(firstSuccessMs!).toBeLessThanOrEqual(2_000);

    // Two lines per process for the whole outage: when it began, and when it ended.
    for (const lines of [logged.api, logged.delivery]) {
      expect(lines.filter((l) => l.startsWith('database unreachable'))).toHaveLength(1);
      // Each process's own probe notices the return, up to a probe interval after the first success here.
      await expect
        .poll(() => lines.filter((l) => l.startsWith('database reachable again')).length, { timeout: 3_000 })
        .toBe(1);
      expect(lines.filter((l) => l === 'queue error')).toEqual([]);
    }

    // Nothing half-written: no event of the outage, and the one publish after it whole (its
    // delivery and its job committed with it).
    expect(await counts()).toEqual({
      events: before.events + 1,
      deliveries: before.deliveries + 1,
      jobs: before.jobs + 1,
      outageEvents: 0,
    });
  },
);
