/**
 * Ingest: how fast the API takes events in over HTTP (REST), with nothing delivered. Two scenarios,
 * each with an API process of its own on a fresh database and no delivery worker:
 *
 *   ingest        `POST /api/v1/applications/{appId}/events`, one ~1 KB order.created 1.0 a call,
 *                 32 concurrent callers → events/s and each call's latency.
 *   ingest-batch  `POST …/events/batch`, 1,000 such events a call, 4 concurrent callers → events/s.
 *
 * By default no endpoint is subscribed, so a publish validates, checks its idempotency key, stores
 * the event and finds no subscriber: the cost of taking an event in. `BENCH_INGEST_ENDPOINTS=n`
 * subscribes n endpoints (no worker runs, so their deliveries and jobs are only written).
 * `BENCH_INGEST_FILTER=1` makes ingest-batch measure three times, its endpoints without, with a payload
 * filter each, and without again, and report the filtered figure with its ratio to the unfiltered mean.
 */
import { randomBytes } from 'node:crypto';
import { orderBatch, orderCreated } from './lib/events';
import { startHookline, type Hookline } from './lib/hookline';
import {
  assertNoProcessErrors,
  footprint,
  round1,
  round3,
  runCallers,
  startHooklineCpu,
} from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, Scenario, ScenarioResult } from './lib/types';

/** Most events one batch call may carry (the API's limit). */
const maxBatch = 1_000;

/**
 * The payload filter every endpoint gets in a filtered run. Every bench event passes it, so both runs
 * write the same deliveries and the difference is the filters' own cost; it tests a list, a number,
 * an array element's field and a negation, as a real filter would.
 */
const benchFilter = {
  'data.status': { $in: ['pending', 'confirmed'] },
  'data.amount': { $gt: 0 },
  'data.items.0.productId': { $exists: true },
  $not: { 'data.currency': 'XXX' },
};

/** Starts the API alone, an application, and the subscribed endpoints when asked for. */
async function setUp(ctx: BenchContext, label: string, connections: number, filter?: Record<string, unknown>) {
  const databaseUrl = await ctx.createDatabase(label);
  const hookline = await startHookline({
    databaseUrl,
    label,
    apiConnections: connections,
    log: ctx.log,
    signal: ctx.signal,
  });
  try {
    const appId = await hookline.rest.createApplication(`bench ${label}`);
    const endpoints = envInt('BENCH_INGEST_ENDPOINTS', 0);
    for (let i = 0; i < endpoints; i++) {
      await hookline.rest.createEndpoint(appId, { url: `${ctx.receiver.url}/ok/${label}-${i}`, filter });
    }
    return { hookline, appId, endpoints };
  } catch (error) {
    await hookline.stop().catch(() => {});
    throw error;
  }
}

/** Every event the run published must be stored, once, and none may have been a duplicate. */
async function checkStored(hookline: Hookline, expected: number, duplicates: number, run: string) {
  const [row] = await hookline.sql<{ n: number }[]>`
    select count(*)::int as n from events where idempotency_key like ${`${run}-%`}`;
  if (row!.n !== expected || duplicates !== 0) {
    throw new Error(`stored ${row!.n}/${expected} events; ${duplicates} publishes answered duplicate: true`);
  }
}

export const single: Scenario = {
  name: 'ingest',
  timeoutMs: 90_000,
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const events = ctx.scaled(envInt('BENCH_INGEST_EVENTS', 10_000), 200);
    const warmup = ctx.scaled(1_000, 100);
    const callers = envInt('BENCH_INGEST_CALLERS', 32);
    const run = `ingest-${randomBytes(4).toString('hex')}`;
    ctx.log(`${events} single publishes (+${warmup} warm-up), ${callers} concurrent callers`);
    const { hookline, appId, endpoints } = await setUp(ctx, 'ingest', callers);
    try {
      let duplicates = 0;
      const publish = async (index: number) => {
        const result = await hookline.rest.publish(appId, orderCreated(index, run));
        if (result.duplicate) duplicates += 1;
      };
      // Warm-up: connections, the JIT, the API's prepared statements.
      await runCallers(warmup, callers, publish, ctx.signal);

      const cpu = await startHooklineCpu(ctx, hookline);
      const startedAt = performance.now();
      const durations = await runCallers(events, callers, (i) => publish(warmup + i), ctx.signal);
      const seconds = (performance.now() - startedAt) / 1000;
      const cpuUsed = await cpu.stop();
      await cpuUsed.logStatements(events, 'event');

      await checkStored(hookline, warmup + events, duplicates, run);
      assertNoProcessErrors(hookline);
      const eventsPerSec = events / seconds;
      const latencies = Array.from(durations);
      const result: ScenarioResult = {
        eventsPerSec,
        p50Ms: ctx.percentile(latencies, 50),
        p90Ms: ctx.percentile(latencies, 90),
        p99Ms: ctx.percentile(latencies, 99),
        peakRssMb: hookline.api.peakRssMb() ?? Number.NaN,
        note: `${callers} callers, ${endpoints === 0 ? 'no endpoint subscribed' : `${endpoints} endpoints subscribed`}; RSS = API`,
        details: {
          events,
          callers,
          subscribedEndpoints: endpoints,
          seconds: round3(seconds),
          cpuMsPerEvent: round3(cpuUsed.totalMs / events),
          ...cpuUsed.split(events, 'Event'),
          ...footprint(hookline),
        },
      };
      ctx.log(
        `${events} events in ${seconds.toFixed(2)} s: ${eventsPerSec.toFixed(0)}/s, p50 ${result.p50Ms!.toFixed(1)} ms, p99 ${result.p99Ms!.toFixed(1)} ms`,
      );
      await hookline.stop();
      return result;
    } finally {
      await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline: ${String(error)}`));
    }
  },
};

type BatchRun = { eventsPerSec: number; peakRssMb: number; details: Record<string, number | string | boolean> };

/** One measured ingest-batch run on a database of its own; `filter` goes on every subscribed endpoint. */
async function measureBatch(
  ctx: BenchContext,
  { label, filter }: { label: string; filter?: Record<string, unknown> },
): Promise<BatchRun> {
  const batchSize = Math.min(maxBatch, envInt('BENCH_INGEST_BATCH_SIZE', maxBatch));
  const batches = Math.ceil(ctx.scaled(envInt('BENCH_INGEST_BATCH_EVENTS', 50_000), batchSize) / batchSize);
  const events = batches * batchSize;
  const warmupBatches = 2;
  const callers = envInt('BENCH_INGEST_BATCH_CALLERS', 4);
  const run = `batch-${randomBytes(4).toString('hex')}`;
  ctx.log(
    `${batches} batches of ${batchSize} events (+${warmupBatches} warm-up), ${callers} concurrent callers${filter ? ', a filter on every endpoint' : ''}`,
  );
  const { hookline, appId, endpoints } = await setUp(ctx, label, callers, filter);
  try {
    let duplicates = 0;
    const publish = async (batchIndex: number) => {
      const results = await hookline.rest.publishBatch(appId, orderBatch(batchIndex * batchSize, batchSize, run));
      if (results.length !== batchSize) throw new Error(`a batch of ${batchSize} answered ${results.length} results`);
      duplicates += results.filter((r) => r.duplicate).length;
    };
    await runCallers(warmupBatches, callers, publish, ctx.signal);

    const cpu = await startHooklineCpu(ctx, hookline);
    const startedAt = performance.now();
    const durations = await runCallers(batches, callers, (i) => publish(warmupBatches + i), ctx.signal);
    const seconds = (performance.now() - startedAt) / 1000;
    const cpuUsed = await cpu.stop();
    await cpuUsed.logStatements(events, 'event');

    await checkStored(hookline, (warmupBatches + batches) * batchSize, duplicates, run);
    // Every bench event passes the filter: a filtered run must write exactly as many deliveries.
    const [written] = await hookline.sql<{ n: number }[]>`select count(*)::int as n from deliveries`;
    if (written!.n !== (warmupBatches + batches) * batchSize * endpoints) {
      throw new Error(`wrote ${written!.n} deliveries; expected ${(warmupBatches + batches) * batchSize * endpoints}`);
    }
    assertNoProcessErrors(hookline);
    const eventsPerSec = events / seconds;
    const calls = Array.from(durations);
    ctx.log(`${events} events in ${seconds.toFixed(2)} s: ${eventsPerSec.toFixed(0)}/s`);
    const result: BatchRun = {
      eventsPerSec,
      peakRssMb: hookline.api.peakRssMb() ?? Number.NaN,
      details: {
        events,
        batchSize,
        callers,
        subscribedEndpoints: endpoints,
        filtered: filter !== undefined,
        seconds: round3(seconds),
        callP50Ms: round1(ctx.percentile(calls, 50)),
        callP99Ms: round1(ctx.percentile(calls, 99)),
        cpuMsPerEvent: round3(cpuUsed.totalMs / events),
        ...cpuUsed.split(events, 'Event'),
        ...footprint(hookline),
      },
    };
    await hookline.stop();
    return result;
  } finally {
    await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline: ${String(error)}`));
  }
}

export const batch: Scenario = {
  name: 'ingest-batch',
  timeoutMs: 300_000,
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const withFilters = envInt('BENCH_INGEST_FILTER', 0) === 1;
    const plain = await measureBatch(ctx, { label: 'ingest_batch' });
    const subscribed = plain.details.subscribedEndpoints as number;
    const describe = (filtered: boolean) =>
      `${plain.details.batchSize}/call, ${plain.details.callers} callers, ` +
      (subscribed === 0 ? 'no endpoint subscribed' : `${subscribed} endpoints subscribed`) +
      (filtered ? ', each with a filter' : '') +
      '; RSS = API';
    if (!withFilters) return { ...plain, note: describe(false) };

    // Unfiltered, filtered, unfiltered again: the run after another one is slower on a shared server
    // (its predecessor's writes are still being checkpointed and vacuumed), so the filtered run is
    // compared with the mean of one run before it and one after.
    const filtered = await measureBatch(ctx, { label: 'ingest_batch_filtered', filter: benchFilter });
    const plainAfter = await measureBatch(ctx, { label: 'ingest_batch_after' });
    const unfilteredPerSec = (plain.eventsPerSec + plainAfter.eventsPerSec) / 2;
    const unfilteredCpuMs =
      ((plain.details.cpuMsPerEvent as number) + (plainAfter.details.cpuMsPerEvent as number)) / 2;
    const filterCostRatio = filtered.eventsPerSec / unfilteredPerSec;
    ctx.log(
      `with filters ${filtered.eventsPerSec.toFixed(0)}/s, without ${plain.eventsPerSec.toFixed(0)}/s before and ${plainAfter.eventsPerSec.toFixed(0)}/s after: ratio ${filterCostRatio.toFixed(3)}`,
    );
    return {
      ...filtered,
      note: `${describe(true)}; ${round3(filterCostRatio)} × the same run without filters`,
      details: {
        ...filtered.details,
        unfilteredEventsPerSec: Math.round(unfilteredPerSec),
        unfilteredBeforeEventsPerSec: Math.round(plain.eventsPerSec),
        unfilteredAfterEventsPerSec: Math.round(plainAfter.eventsPerSec),
        unfilteredCpuMsPerEvent: round3(unfilteredCpuMs),
        filterCostRatio: round3(filterCostRatio),
        // CPU per event is steadier than events/s when other work shares the machine.
        filterCpuRatio: round3(unfilteredCpuMs / (filtered.details.cpuMsPerEvent as number)),
      },
    };
  },
};
