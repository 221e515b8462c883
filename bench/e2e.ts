/**
 * End to end (two targets in bench/README.md): Hookline's API and delivery worker as separate processes on
 * a fresh database, one endpoint subscribed (the receiver's `/ok/e2e`), 50,000 order.created events
 * (× scale) published over REST in batches of 1,000 while the worker delivers them.
 *
 * deliveries/s = events ÷ time from the first publish call to the moment the last attempt row is
 * in the `attempts` table, the same span the ceiling measures (its first insert to its last attempt
 * row). A warm-up of 1,000 events (× scale) runs first, as in the ceiling.
 *
 * Footprint: the row's peak RSS is the worker's high-water mark (VmHWM), the API's is in details.
 * Afterwards every delivery must be `delivered` with exactly one attempt that got a 204, the
 * receiver must have got one request per event, every delivery's own job must be completed, and any
 * other job of the delivery queue (a watchdog, a deferral) must have ended.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { orderBatch } from './lib/events';
import { seedExpiredHistory, startSweeping } from './lib/expired-history';
import { startHookline } from './lib/hookline';
import {
  assertNoProcessErrors,
  footprint,
  round3,
  runCallers,
  startHooklineCpu,
  waitForAttempts,
  workerSettings,
} from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'e2e';
// Seeding a million expired rows for the sweep (BENCH_E2E_SWEEP_EVENTS) takes a minute more.
export const timeoutMs = envInt('BENCH_E2E_SWEEP_EVENTS', 0) > 0 ? 260_000 : 150_000;

const batchSize = 1_000;
/** The run's own attempts, not the expired history seeded for the sweep. */
const notSeeded = { where: "left(a.id, 7) <> 'atm_old'", values: [] };

export function run(ctx: BenchContext): Promise<ScenarioResult> {
  return measureEndToEnd(ctx, { label: 'e2e', events: envInt('BENCH_E2E_EVENTS', 50_000), workerProcesses: 1 });
}

export interface EndToEndOptions {
  /** Names the run's database, its processes' logs and profiles. */
  label: string;
  /** Events before scaling. */
  events: number;
  workerProcesses: number;
  /** Node flags of the API and the worker; the harness's (`benchNodeFlags()`) when left out. */
  nodeFlags?: readonly string[];
  /** HOOKLINE_METRICS of both; BENCH_METRICS when left out. */
  metrics?: boolean;
  /**
   * Expired events (3 rows each) seeded first, which the retention sweep removes while the timed run goes
   * on (the sweep's cost to throughput); BENCH_E2E_SWEEP_EVENTS (default 0) when left out.
   */
  sweepEvents?: number;
  /** Endpoints subscribed; deliveries/s counts every endpoint's copy. */
  endpoints?: number;
  /** With n > 0, event i carries ordering key `key-(i mod n)`. */
  orderingKeys?: number;
}

/**
 * The e2e measurement on a database of its own named after `label`: `events` (× scale) published in
 * batches and delivered by `workerProcesses` worker processes to `endpoints` endpoints (deliveries/s
 * counts every endpoint's copy). With `orderingKeys`, event i carries ordering key `key-(i mod
 * orderingKeys)` (docs/ordering.md). The scale-out and ordered scenarios run it twice, the comparisons
 * (node-flags, metrics-cost, sweep-cost) several times with one setting changed.
 */
export async function measureEndToEnd(ctx: BenchContext, options: EndToEndOptions): Promise<ScenarioResult> {
  const { label, events: unscaledEvents, workerProcesses, endpoints = 1, orderingKeys = 0 } = options;
  const events = Math.ceil(ctx.scaled(unscaledEvents, batchSize) / batchSize) * batchSize;
  const warmup = Math.ceil(ctx.scaled(1_000, 0) / 100) * 100;
  const publishers = envInt('BENCH_E2E_PUBLISHERS', 2);
  const sweepEvents = options.sweepEvents ?? envInt('BENCH_E2E_SWEEP_EVENTS', 0);
  const worker = workerSettings({ processes: workerProcesses });
  const runId = `${label}-${randomBytes(4).toString('hex')}`;
  ctx.log(
    `${events} events (+${warmup} warm-up) in batches of ${batchSize} from ${publishers} callers, ` +
      `${endpoints} endpoint(s), ${orderingKeys > 0 ? `${orderingKeys} ordering keys` : 'unkeyed'}; ` +
      `${workerProcesses} worker process(es), batch ${worker.batchSize}, concurrency ${worker.concurrency}`,
  );
  const databaseUrl = await ctx.createDatabase(label);
  const rss = ctx.startRssSampler();
  const hookline = await startHookline({
    databaseUrl,
    label,
    worker,
    apiConnections: publishers,
    nodeFlags: options.nodeFlags,
    metrics: options.metrics,
    log: ctx.log,
    signal: ctx.signal,
  });
  try {
    const appId = await hookline.rest.createApplication(`bench ${label}`);
    // An endpoint's maxInFlight caps requests to it at once (default 10); BENCH_E2E_MAX_IN_FLIGHT raises it.
    const maxInFlight = envInt('BENCH_E2E_MAX_IN_FLIGHT', 0);
    const endpointIds: string[] = [];
    for (let i = 0; i < endpoints; i++) {
      endpointIds.push(
        await hookline.rest.createEndpoint(appId, {
          url: `${ctx.receiver.url}/ok/${label}-${i}`,
          ...(maxInFlight > 0 ? { maxInFlight } : {}),
        }),
      );
    }
    const endpointId = endpointIds[0]!;
    let seedSeconds = 0;
    if (sweepEvents > 0) {
      const seedStarted = performance.now();
      await seedExpiredHistory(hookline.sql, { appId, endpointId, events: sweepEvents });
      seedSeconds = (performance.now() - seedStarted) / 1000;
      ctx.log(`seeded ${sweepEvents * 3} expired rows in ${seedSeconds.toFixed(1)} s`);
    }
    const publishRange = (first: number, count: number) => async (call: number) => {
      const size = Math.min(batchSize, count - call * batchSize);
      const batch = orderBatch(first + call * batchSize, size, runId);
      if (orderingKeys > 0) {
        batch.forEach((event, i) => (event.orderingKey = `key-${(first + call * batchSize + i) % orderingKeys}`));
      }
      const results = await hookline.rest.publishBatch(appId, batch);
      if (results.some((r) => r.duplicate || r.deliveries.length !== endpoints)) {
        throw new Error(`a publish came back duplicate or without exactly ${endpoints} deliveries`);
      }
    };

    // Warm-up, untimed: connections, the JIT, prepared statements, in both processes.
    if (warmup > 0) {
      await runCallers(Math.ceil(warmup / batchSize), 1, publishRange(0, warmup), ctx.signal);
      await ctx.receiver.waitForCount(warmup * endpoints, ctx.signal);
      await waitForAttempts(hookline, warmup * endpoints, ctx.signal);
      await ctx.receiver.reset();
    }

    const cpu = await startHooklineCpu(ctx, hookline);
    const sweeper = sweepEvents > 0 ? startSweeping(databaseUrl) : null;
    const startedAt = performance.now();
    await runCallers(events / batchSize, publishers, publishRange(warmup, events), ctx.signal);
    const publishedAt = performance.now();
    await ctx.receiver.waitForCount(events * endpoints, ctx.signal);
    const receivedAt = performance.now();
    const finishedAt = await waitForAttempts(hookline, (warmup + events) * endpoints, ctx.signal, notSeeded);
    const seconds = (finishedAt - startedAt) / 1000;
    const swept = await sweeper?.stop();
    if (swept) {
      ctx.log(
        `the sweep removed ${swept.rows} rows (${swept.events} events) during the run, busy ` +
          `${(swept.busyMs / 1000).toFixed(1)} s in ${swept.runs} runs; ` +
          (swept.emptiedAfterMs === null
            ? `rows were left at the end of the run`
            : `nothing was left after ${(swept.emptiedAfterMs / 1000).toFixed(1)} s of the run's ${seconds.toFixed(1)} s`),
      );
    }
    const cpuUsed = await cpu.stop();
    await cpuUsed.logStatements(events * endpoints, 'delivery');
    const peak = footprint(hookline);

    // Everything must have gone through exactly once; a figure from a broken run is worse than none.
    const total = (warmup + events) * endpoints;
    const [deliveries, attempts, received] = await Promise.all([
      hookline.sql<{ status: string; n: number }[]>`
        select status, count(*)::int as n from deliveries where left(id, 7) <> 'dlv_old' group by status`,
      hookline.sql<{ ok: number; n: number }[]>`
        select count(*) filter (where response_status = 204 and number = 1)::int as ok, count(*)::int as n
          from attempts where left(id, 7) <> 'atm_old'`,
      ctx.receiver.summary(),
    ]);
    const delivered = deliveries.find((r) => r.status === 'delivered')?.n ?? 0;
    const allDeliveries = deliveries.reduce((sum, r) => sum + r.n, 0);
    if (
      delivered !== total ||
      allDeliveries !== total ||
      attempts[0]!.ok !== total ||
      attempts[0]!.n !== total ||
      received.count !== events * endpoints
    ) {
      throw new Error(
        `incomplete run: ${delivered}/${total} deliveries delivered (${allDeliveries} in all), ` +
          `${attempts[0]!.ok}/${total} first attempts answered 204 (${attempts[0]!.n} attempts in all), ` +
          `${received.count}/${events * endpoints} requests received`,
      );
    }
    assertNoProcessErrors(hookline);
    let extraJobs = 0;
    // Stop first (the worker drains), then every delivery's job must be completed. The queue also holds
    // jobs that are not a delivery's own (a watchdog guarding a detached request, a deferral's copy):
    // those are counted apart and only have to have ended, so a slower machine that needs a few of
    // them does not fail a run in which every delivery arrived exactly once.
    await hookline.stop();
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [own] = await sql<{ completed: number; n: number }[]>`
        select count(*) filter (where j.state = 'completed')::int as completed, count(*)::int as n
          from deliveries d left join pgboss.job j on j.name = 'delivery' and j.id = d.job_id`;
      const others = await sql<{ state: string; n: number }[]>`
        select state::text, count(*)::int as n from pgboss.job j
         where name = 'delivery' and not exists (select 1 from deliveries d where d.job_id = j.id)
         group by state`;
      const unfinished = others.filter((r) => !['completed', 'cancelled'].includes(r.state));
      if (own!.completed !== total || unfinished.length > 0)
        throw new Error(
          `delivery jobs: ${own!.completed} of ${own!.n} deliveries' own jobs completed, expected ${total}; ` +
            `other jobs of the delivery queue: ${others.map((r) => `${r.n} ${r.state}`).join(', ') || 'none'} ` +
            `(each must have ended)`,
        );
      extraJobs = others.reduce((sum, r) => sum + r.n, 0);
    } finally {
      await sql.end({ timeout: 5 });
    }

    const deliveriesPerSec = (events * endpoints) / seconds;
    ctx.log(
      `${events * endpoints} deliveries in ${seconds.toFixed(2)} s: ${deliveriesPerSec.toFixed(0)}/s (publishing took ` +
        `${((publishedAt - startedAt) / 1000).toFixed(2)} s, the receiver had everything after ` +
        `${((receivedAt - startedAt) / 1000).toFixed(2)} s); peak RSS worker ${peak.workerPeakRssMb} MB, API ${peak.apiPeakRssMb} MB`,
    );
    return {
      deliveriesPerSec,
      eventsPerSec: events / ((publishedAt - startedAt) / 1000),
      peakRssMb: peak.workerPeakRssMb ?? Number.NaN,
      cpuMsPerDelivery: cpuUsed.totalMs / (events * endpoints),
      note: `RSS = worker (API ${peak.apiPeakRssMb?.toFixed(0)} MB); events/s = publish rate`,
      details: {
        events,
        endpoints,
        orderingKeys,
        warmupEvents: warmup,
        publishBatchSize: batchSize,
        publishers,
        workerBatchSize: worker.batchSize,
        workerConcurrency: worker.concurrency,
        workerProcesses,
        seconds: round3(seconds),
        publishSeconds: round3((publishedAt - startedAt) / 1000),
        lastReceivedSeconds: round3((receivedAt - startedAt) / 1000),
        // Jobs of the delivery queue that were not a delivery's own: watchdogs and deferrals.
        extraJobs,
        ...cpuUsed.split(events * endpoints, 'Delivery'),
        ...peak,
        harnessPeakRssMb: Number(rss.stop().toFixed(1)),
        ...(swept
          ? {
              seededRows: sweepEvents * 3,
              seedSeconds: round3(seedSeconds),
              sweptRows: swept.rows,
              sweepBusySeconds: round3(swept.busyMs / 1000),
              // When the backlog was gone, from the start of the timed run (absent: it lasted the whole run).
              ...(swept.emptiedAfterMs === null
                ? {}
                : { sweepEmptiedAfterSeconds: round3(swept.emptiedAfterMs / 1000) }),
            }
          : {}),
      },
    };
  } finally {
    rss.stop();
    await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline: ${String(error)}`));
  }
}
