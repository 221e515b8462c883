import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';
import { spawnWorker, type WorkerProcess } from './support/worker-process';

// Nothing accepted is lost when a worker process dies or is told to stop. The API runs in this process;
// the worker runs as a real separate process (apps/delivery/src/main.ts), configured by environment.

let hookline: TestHookline;
let receiver: TestReceiver;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  hookline = await startHookline({ worker: false });
  receiver = await startReceiver();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.dispose()));
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

/**
 * Crash recovery is bounded by how soon a lost job is noticed. Measured with this test's load (300
 * events, SIGKILL mid-batch with 50 jobs held, a new worker started at once, monitor every 1 s):
 *   - expiry only, HOOKLINE_JOB_EXPIRE_SECONDS=2: every event arrived 4.0-4.9 s after the kill;
 *   - heartbeat, HOOKLINE_JOB_HEARTBEAT_SECONDS=10 (pg-boss's minimum) with a 60 s expiry: 12.1-12.5 s;
 *   - the production expiry alone, 60 s and no heartbeat: 62.5 s.
 * So with requests this short, a short expiry recovers faster, and the test uses it. In production the
 * expiry must outlast the longest request (15 s timeout, queued behind other requests to the same
 * origin), so it is 60 s there, and the 10 s heartbeat is what bounds recovery: ≈ 10 s plus the monitor
 * interval instead of ≈ 60 s plus it.
 */
function workerEnv(extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: hookline.databaseUrl,
    HOOKLINE_RETRY_SCHEDULE: '0.05,0.1,0.2',
    HOOKLINE_REQUEST_TIMEOUT_MS: '1000',
    HOOKLINE_JOB_EXPIRE_SECONDS: '2',
    HOOKLINE_JOB_HEARTBEAT_SECONDS: '0',
    HOOKLINE_QUEUE_MONITOR_INTERVAL_SECONDS: '1',
    HOOKLINE_WORKER_BATCH_SIZE: '25',
    HOOKLINE_WORKER_CONCURRENCY: '2',
    ...extra,
  };
}

function startWorkerProcess(env: Record<string, string>) {
  const worker = spawnWorker(env);
  workers.push(worker);
  return worker;
}

const jobCounts = async () => {
  const rows = await hookline.sql<{ state: string; count: number }[]>`
    select state, count(*)::int as count from pgboss.job where name = 'delivery' group by state`;
  return Object.fromEntries(rows.map((r) => [r.state, r.count])) as Record<string, number>;
};

it('a worker killed mid-batch loses nothing: every event arrives at least once, within a bound', async () => {
  const eventCount = 300;
  // Within this long of the kill every event has arrived: 2 s expiry + 1 s monitor + 1 s retry delay,
  // plus a new worker's start and the rest of the backlog, with room for a loaded machine.
  const recoveryBoundMs = 20_000;

  const first = startWorkerProcess(workerEnv());
  await first.ready();
  const app = await hookline.client.applications.create.mutate({ name: 'crash' });
  // A slow receiver: each answer takes 100 ms, so a batch is in flight most of the time.
  receiver.route('/crash', { status: 204, delayMs: 100 });
  await hookline.client.endpoints.create.mutate({ appId: app.id, url: receiver.url('/crash') });
  const published = await fixtures(hookline).publishOrders(app.id, eventCount);

  await expect.poll(() => receiver.on('/crash').length, { timeout: 15_000, interval: 5 }).toBeGreaterThanOrEqual(60);
  first.kill('SIGKILL');
  const killedAt = performance.now();
  expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
  const receivedBeforeKill = new Set(receiver.on('/crash').map((r) => r.headers['webhook-id'])).size;
  // Mid-batch: the dead worker still holds jobs.
  const heldAtKill = (await jobCounts()).active ?? 0;
  expect(heldAtKill).toBeGreaterThan(0);

  const second = startWorkerProcess(workerEnv());
  await second.ready();
  const everyId = new Set(published.map((p) => p.id));
  const received = () => new Set(receiver.on('/crash').map((r) => r.headers['webhook-id'] as string));
  await expect
    .poll(() => [...everyId].filter((id) => !received().has(id)).length, { timeout: recoveryBoundMs, interval: 20 })
    .toBe(0);
  const recoveredMs = performance.now() - killedAt;

  // And the database agrees: every delivery delivered, no job left behind.
  await expect
    .poll(
      async () => (await hookline.sql`select count(*)::int as n from deliveries where status = 'delivered'`)[0]!.n,
      { timeout: 10_000 },
    )
    .toBe(eventCount);
  await expect.poll(async () => (await jobCounts()).active ?? 0, { timeout: 10_000 }).toBe(0);

  const requests = receiver.on('/crash').length;
  const duplicates = requests - eventCount;
  const [attempts] = await hookline.sql<{ n: number }[]>`select count(*)::int as n from attempts`;
  console.log(
    `crash test: ${eventCount} events, SIGKILL after ${receivedBeforeKill} had arrived with ${heldAtKill} jobs held by the dead worker; ` +
      `${requests} requests, ${duplicates} duplicates (sent, but not recorded before the kill); ` +
      `every event arrived ${recoveredMs} ms after the kill (bound ${recoveryBoundMs} ms); ${attempts!.n} attempts recorded`,
  );
  expect(duplicates).toBeGreaterThanOrEqual(0);
  // One recorded attempt per delivery: a duplicate send never records a second attempt.
  expect(attempts!.n).toBe(eventCount);

  second.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
}, 60_000);

it('SIGTERM drains: no new jobs, in-flight requests finish and are recorded, nothing left active', async () => {
  const eventCount = 40;
  const answerMs = 400;
  const app = await hookline.client.applications.create.mutate({ name: 'drain' });
  receiver.route('/drain', { status: 204, delayMs: answerMs });
  // Every job of a batch in flight at once: the jobs were enqueued with this file's 2 s expiry and no
  // heartbeat, and the worker that finishes them would otherwise send 35 over the default 10 in-flight
  // (5 lanes) in seven rounds of 400 ms, which a loaded machine stretches past the expiry: pg-boss then
  // hands the jobs out again and they are sent twice, as an expiry that short means.
  await hookline.client.endpoints.create.mutate({ appId: app.id, url: receiver.url('/drain'), maxInFlight: 100 });

  const worker = startWorkerProcess(workerEnv({ HOOKLINE_WORKER_BATCH_SIZE: '5', HOOKLINE_WORKER_CONCURRENCY: '1' }));
  await worker.ready();
  await fixtures(hookline).publishOrders(app.id, eventCount);
  // The first batch is at the receiver, its answers still 400 ms away.
  await expect.poll(() => receiver.on('/drain').length, { timeout: 15_000, interval: 5 }).toBeGreaterThan(0);
  worker.kill('SIGTERM');
  const signalledAt = performance.now();
  expect(await worker.exited).toEqual({ code: 0, signal: null });
  const drainMs = performance.now() - signalledAt;
  // Bounded by the request timeout plus 5 s; here the answers take 400 ms.
  expect(drainMs).toBeLessThan(1_000 + 5_000);

  const sent = receiver.on('/drain').length;
  const counts = await jobCounts();
  const [recorded] = await hookline.sql<{ n: number }[]>`
    select count(*)::int as n from attempts a join deliveries d on d.id = a.delivery_id where d.app_id = ${app.id}`;
  console.log(
    `drain test: SIGTERM mid-batch; exited after ${drainMs} ms; ${sent} requests sent and ${recorded!.n} recorded; jobs ${JSON.stringify(counts)}`,
  );
  // Every request that went out was answered and recorded: none cut off, none to repeat.
  expect(recorded!.n).toBe(sent);
  expect(counts.active ?? 0).toBe(0);
  // It stopped taking jobs: the rest wait for the next worker, each delivery with its own job. (Counted by
  // delivery: a request that outlived its batch leaves its watchdog job, brought forward but not yet run,
  // which the next worker settles without sending.)
  expect(sent).toBeLessThan(eventCount);
  const [waiting] = await hookline.sql<{ n: number }[]>`
    select count(*)::int as n from deliveries d join pgboss.job j on j.id = d.job_id
     where d.app_id = ${app.id} and d.status = 'pending' and j.state = 'created'`;
  expect(waiting!.n).toBe(eventCount - sent);

  // Which finishes them, each sent exactly once overall.
  await hookline.startWorker();
  await expect.poll(() => receiver.on('/drain').length, { timeout: 15_000 }).toBe(eventCount);
  expect(new Set(receiver.on('/drain').map((r) => r.headers['webhook-id'])).size).toBe(eventCount);
}, 60_000);
