import { createHooklineClient } from '@hookline/client';
import { TRPCClientError } from '@trpc/client';
import { createDatabaseIfMissing, databaseUrlFor } from '@hookline/db';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, expect, inject, it } from 'vitest';
import { spawnApi } from './support/api-process';
import { orderCreatedV1 } from './support/fixtures';
import type { HooklineProcess } from './support/hookline-process';
import { startReceiver, type TestReceiver } from './support/receiver';
import { spawnWorker } from './support/worker-process';

// Hookline scales by running more API and worker processes against one PostgreSQL. This runs 2 APIs and
// 3 workers, all started at the same moment on an empty database, so they race for the first start
// (migrations, pg-boss's schema and queues, the generated admin key), then deliver a few thousand events
// while one worker is told to stop.

const eventCount = 5_000;
const endpointCount = 3;
// Events published one call at a time, half through each API; the rest go in batches.
const singlePublishes = 200;
const batchSize = 600;

const processes: HooklineProcess[] = [];
const dataDirs: string[] = [];
let receiver: TestReceiver | undefined;
let sql: postgres.Sql | undefined;

afterAll(async () => {
  await Promise.all(processes.map((p) => p.dispose()));
  await receiver?.close();
  await sql?.end({ timeout: 5 });
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** An empty database, not the migrated template: the processes have to set it up themselves. */
async function createEmptyDatabase() {
  const admin = inject('adminDatabaseUrl');
  const name = `hookline_test_${inject('testRunId')}_${randomBytes(4).toString('hex')}`;
  await createDatabaseIfMissing(admin, name);
  return databaseUrlFor(admin, name);
}

/**
 * A 503 is what a loaded deployment answers when no database connection frees up in time ("retry
 * shortly"); a caller publishes again under the same idempotency key, which cannot store an event
 * twice. On this test's shared 2-core machine that happens now and then while five processes open
 * their pools, so the test's callers do what a service would.
 */
async function retryWhileUnavailable<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status =
        error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;
      if (status !== 503 || attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Lines at level error or fatal, and pg-boss's complaints, which any process may log. */
function errorLines(lines: string[]) {
  return lines.filter((l) => /"level":"(error|fatal)"|queue error|unexpected error/.test(l));
}

it('2 APIs and 3 workers on one database: one first start, every delivery once, a stopped worker loses nothing', async () => {
  const databaseUrl = await createEmptyDatabase();
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  receiver = await startReceiver();

  // Every process at once, no admin key configured: exactly one API may generate one.
  const apis = await Promise.all(
    [0, 1].map(async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'hookline-api-'));
      dataDirs.push(dataDir);
      return { dataDir, process: spawnApi({ DATABASE_URL: databaseUrl, HOOKLINE_DATA_DIR: dataDir }) };
    }),
  );
  const workers = [0, 1, 2].map(() =>
    spawnWorker({ DATABASE_URL: databaseUrl, HOOKLINE_RETRY_SCHEDULE: '0.05,0.1,0.2' }),
  );
  processes.push(...apis.map((a) => a.process), ...workers);
  const urls = await Promise.all(apis.map((a) => a.process.url()));
  await Promise.all(workers.map((w) => w.ready(30_000)));

  const [adminKeys] = await sql<{ n: number }[]>`select count(*)::int as n from api_keys where app_id is null`;
  expect(adminKeys!.n).toBe(1);
  // The one that generated it wrote it to its data directory; the other found it there already.
  await expect
    .poll(async () => {
      const found = await Promise.all(
        apis.map((a) => readFile(path.join(a.dataDir, 'admin-key'), 'utf8').catch(() => null)),
      );
      return found.filter((k) => k !== null);
    })
    .toHaveLength(1);
  const adminKey = (
    await Promise.all(apis.map((a) => readFile(path.join(a.dataDir, 'admin-key'), 'utf8').catch(() => '')))
  )
    .join('')
    .trim();
  const clients = urls.map((url) => createHooklineClient({ url, apiKey: adminKey }));

  const app = await clients[0]!.applications.create.mutate({ name: 'many processes' });
  for (let i = 0; i < endpointCount; i++) {
    await clients[i % 2]!.endpoints.create.mutate({ appId: app.id, url: receiver.url(`/endpoint-${i}`) });
  }
  const order = (i: number) => ({
    type: 'order.created' as const,
    version: '1.0' as const,
    data: { ...orderCreatedV1, orderId: `ord_${i}` },
    idempotencyKey: `order-${i}`,
  });

  // Batches alternate between the APIs, two at a time; 32 callers publish one event a call to both APIs
  // at the same time, as the services of a deployment would.
  const batches = Array.from({ length: Math.ceil((eventCount - singlePublishes) / batchSize) }, (_, b) =>
    Array.from({ length: Math.min(batchSize, eventCount - singlePublishes - b * batchSize) }, (_, i) =>
      order(b * batchSize + i),
    ),
  );
  const published: string[] = [];
  const publishBatches = async (lane: number) => {
    for (let b = lane; b < batches.length; b += 2) {
      const { events } = await retryWhileUnavailable(() =>
        clients[b % 2]!.events.publishBatch.mutate({ appId: app.id, events: batches[b]! }),
      );
      published.push(...events.map((e) => e.id));
    }
  };
  let nextSingle = 0;
  const publishSingles = async () => {
    for (let i = nextSingle++; i < singlePublishes; i = nextSingle++) {
      const event = order(eventCount - singlePublishes + i);
      published.push(
        (await retryWhileUnavailable(() => clients[i % 2]!.events.publish.mutate({ appId: app.id, ...event }))).id,
      );
    }
  };
  await Promise.all([publishBatches(0), publishBatches(1), ...Array.from({ length: 32 }, publishSingles)]);
  const eventIds = new Set(published);
  expect(eventIds.size).toBe(eventCount);

  // Mid-run, one worker is told to stop: it finishes what it holds, and the others take the rest.
  const stopping = workers[0]!;
  await expect.poll(() => receiver!.requests.length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(eventCount / 2);
  stopping.kill('SIGTERM');
  expect(await stopping.exited).toEqual({ code: 0, signal: null });

  const received = () => {
    const pairs = new Set<string>();
    for (const r of receiver!.requests) pairs.add(`${r.path} ${r.headers['webhook-id'] as string}`);
    return pairs;
  };
  await expect.poll(() => received().size, { timeout: 45_000, interval: 100 }).toBe(eventCount * endpointCount);
  for (let i = 0; i < endpointCount; i++) {
    const ids = new Set(
      receiver.requests.filter((r) => r.path === `/endpoint-${i}`).map((r) => r.headers['webhook-id']),
    );
    expect([...eventIds].filter((id) => !ids.has(id))).toEqual([]);
  }
  await expect
    .poll(async () => (await sql!`select count(*)::int as n from deliveries where status = 'delivered'`)[0]!.n, {
      timeout: 10_000,
    })
    .toBe(eventCount * endpointCount);
  // Every delivery made one attempt, recorded once, whichever worker made it.
  const repeated = await sql`
    select delivery_id, number, count(*)::int as n from attempts group by 1, 2 having count(*) > 1`;
  expect(repeated).toEqual([]);
  const [attempts] = await sql<{ n: number; deliveries: number }[]>`
    select count(*)::int as n, count(distinct delivery_id)::int as deliveries from attempts`;
  expect(attempts).toEqual({ n: eventCount * endpointCount, deliveries: eventCount * endpointCount });

  for (const p of processes) p.kill('SIGTERM');
  const exits = await Promise.all(processes.map((p) => p.exited));
  expect(exits).toEqual(processes.map(() => ({ code: 0, signal: null })));
  expect(processes.flatMap((p) => errorLines(p.lines))).toEqual([]);
  console.log(
    `multi-process test: ${eventCount} events × ${endpointCount} endpoints through 2 APIs and 3 workers, ` +
      `${receiver.requests.length} requests (${receiver.requests.length - eventCount * endpointCount} repeated sends)`,
  );
}, 90_000);
