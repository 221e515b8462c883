/**
 * Isolation (a target in bench/README.md): do a hanging and a failing endpoint slow the healthy ones down?
 *
 * Two runs, each on a fresh database with its own API and worker processes
 * (`HOOKLINE_REQUEST_TIMEOUT_MS=5000`, a realistic timeout; Hookline's default is 15 s):
 *   baseline  20 healthy endpoints (`/ok/…`); 1,000 events (× scale), each fanned out to all 20.
 *   with-bad  the same 20, plus one endpoint that never answers (`/hang`, so every attempt lasts the
 *             whole timeout) and one that answers 500 (`/fail`). Both have the retry schedule
 *             [1, 1, 1] s, so their retries keep coming while the healthy deliveries run.
 * The bad endpoints are on origins of their own (extra receiver ports): they stand for other
 * customers' servers, which a sender reaches over separate connection pools.
 *
 * Healthy deliveries/s = healthy deliveries ÷ time from the first publish to the last healthy
 * attempt row. The headline is with-bad ÷ baseline (target ≥ 0.9). The with-bad run is bounded: if
 * the healthy deliveries have not all been recorded after twice the baseline's time (10–30 s), it
 * stops there and counts the healthy attempts recorded in that window instead.
 */
import { randomBytes } from 'node:crypto';
import { orderBatch } from './lib/events';
import { startHookline } from './lib/hookline';
import {
  assertNoProcessErrors,
  footprint,
  round3,
  runCallers,
  startHooklineCpu,
  waitForAttempts,
  waitForReceiver,
  workerSettings,
} from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'isolation';
export const timeoutMs = 150_000;

const healthyEndpoints = 20;
const publishBatchSize = 100;
const badRetrySchedule = [1, 1, 1];

interface VariantResult {
  healthyDeliveriesPerSec: number;
  seconds: number;
  /** False when the run hit its time bound before every healthy delivery was recorded. */
  complete: boolean;
  healthyRecorded: number;
  cpuMsPerHealthyDelivery: number;
  hangAttempts: number;
  failAttempts: number;
  footprint: ReturnType<typeof footprint>;
}

async function runVariant(
  ctx: BenchContext,
  label: 'baseline' | 'with_bad',
  options: { events: number; warmupEvents: number; requestTimeoutMs: number; boundSeconds: number | null },
): Promise<VariantResult> {
  const worker = workerSettings({ requestTimeoutMs: options.requestTimeoutMs });
  const databaseUrl = await ctx.createDatabase(label);
  const hookline = await startHookline({
    databaseUrl,
    label: `isolation-${label}`,
    worker,
    apiConnections: 2,
    log: ctx.log,
    signal: ctx.signal,
  });
  try {
    const runId = `iso-${label}-${randomBytes(4).toString('hex')}`;
    const appId = await hookline.rest.createApplication(`bench isolation ${label}`);
    const healthyPath = `/ok/iso-${label}-`;
    const healthyIds: string[] = [];
    for (let i = 0; i < healthyEndpoints; i++) {
      healthyIds.push(await hookline.rest.createEndpoint(appId, { url: `${ctx.receiver.url}${healthyPath}${i}` }));
    }
    const healthyReceived = (summary: { byPath: Record<string, number> }) =>
      Object.entries(summary.byPath).reduce((sum, [path, n]) => (path.startsWith(healthyPath) ? sum + n : sum), 0);
    const healthyAttempts = { where: 'd.endpoint_id = any($1::text[])', values: [healthyIds] };
    const publish = (first: number, count: number) => (call: number) =>
      hookline.rest.publishBatch(
        appId,
        orderBatch(first + call * publishBatchSize, Math.min(publishBatchSize, count - call * publishBatchSize), runId),
      );

    // Warm-up on the healthy endpoints only, in both runs.
    await runCallers(
      Math.ceil(options.warmupEvents / publishBatchSize),
      1,
      publish(0, options.warmupEvents),
      ctx.signal,
    );
    await waitForAttempts(hookline, options.warmupEvents * healthyEndpoints, ctx.signal, healthyAttempts);

    let badIds: { hang: string; fail: string } | null = null;
    if (label === 'with_bad') {
      const [hangOrigin, failOrigin] = [await ctx.receiver.openOrigin(), await ctx.receiver.openOrigin()];
      badIds = {
        hang: await hookline.rest.createEndpoint(appId, {
          url: `${hangOrigin}/hang/iso`,
          retrySchedule: badRetrySchedule,
        }),
        fail: await hookline.rest.createEndpoint(appId, {
          url: `${failOrigin}/fail/iso`,
          retrySchedule: badRetrySchedule,
        }),
      };
    }
    await ctx.receiver.reset();

    const healthyTotal = options.events * healthyEndpoints;
    const cpu = await startHooklineCpu(ctx, hookline);
    const startedAt = performance.now();
    const bound = options.boundSeconds === null ? null : AbortSignal.timeout(Math.round(options.boundSeconds * 1000));
    const until = bound ? AbortSignal.any([ctx.signal, bound]) : ctx.signal;
    let finishedAt: number;
    let complete = true;
    try {
      await runCallers(
        Math.ceil(options.events / publishBatchSize),
        1,
        publish(options.warmupEvents, options.events),
        until,
      );
      await waitForReceiver(ctx, (summary) => healthyReceived(summary) >= healthyTotal, until);
      finishedAt = await waitForAttempts(
        hookline,
        (options.warmupEvents + options.events) * healthyEndpoints,
        until,
        healthyAttempts,
      );
    } catch (error) {
      if (!bound?.aborted || ctx.signal.aborted) throw error;
      finishedAt = performance.now();
      complete = false;
    }
    const seconds = (finishedAt - startedAt) / 1000;
    const cpuUsed = await cpu.stop();
    const peak = footprint(hookline);

    const [healthy] = await hookline.sql<{ recorded: number; ok: number }[]>`
      select count(*)::int as recorded, count(*) filter (where a.response_status = 204)::int as ok
        from attempts a join deliveries d on d.id = a.delivery_id
       where d.endpoint_id = any(${healthyIds})`;
    const healthyRecorded = healthy!.recorded - options.warmupEvents * healthyEndpoints;
    await cpuUsed.logStatements(Math.max(1, complete ? healthyTotal : healthyRecorded), 'healthy delivery');
    if (healthy!.ok !== healthy!.recorded)
      throw new Error(`${healthy!.recorded - healthy!.ok} healthy attempts did not get a 204`);
    if (complete) {
      const [delivered] = await hookline.sql<{ n: number }[]>`
        select count(*)::int as n from deliveries where endpoint_id = any(${healthyIds}) and status = 'delivered'`;
      const received = healthyReceived(await ctx.receiver.summary());
      const expected = (options.warmupEvents + options.events) * healthyEndpoints;
      if (delivered!.n !== expected || healthyRecorded !== healthyTotal || received !== healthyTotal) {
        throw new Error(
          `healthy endpoints: ${delivered!.n}/${expected} deliveries delivered, ${healthyRecorded}/${healthyTotal} ` +
            `attempts recorded, ${received}/${healthyTotal} requests received`,
        );
      }
    }
    const badAttempts = async (endpointId: string | undefined) => {
      if (!endpointId) return 0;
      const [row] = await hookline.sql<{ n: number }[]>`
        select count(*)::int as n from attempts a join deliveries d on d.id = a.delivery_id where d.endpoint_id = ${endpointId}`;
      return row!.n;
    };
    const [hangAttempts, failAttempts] = [await badAttempts(badIds?.hang), await badAttempts(badIds?.fail)];
    assertNoProcessErrors(hookline);
    // The worker drains on SIGTERM: requests to /hang still in flight run to their timeout first.
    await hookline.stop();

    const healthyDeliveriesPerSec = (complete ? healthyTotal : healthyRecorded) / seconds;
    ctx.log(
      `${label}: ${complete ? healthyTotal : `${healthyRecorded}/${healthyTotal} (stopped at the bound)`} healthy deliveries ` +
        `in ${seconds.toFixed(2)} s: ${healthyDeliveriesPerSec.toFixed(0)}/s` +
        (badIds ? `; meanwhile ${hangAttempts} attempts to /hang and ${failAttempts} to /fail were recorded` : ''),
    );
    return {
      healthyDeliveriesPerSec,
      seconds,
      complete,
      healthyRecorded: complete ? healthyTotal : healthyRecorded,
      cpuMsPerHealthyDelivery: cpuUsed.totalMs / Math.max(1, complete ? healthyTotal : healthyRecorded),
      hangAttempts,
      failAttempts,
      footprint: peak,
    };
  } finally {
    await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline (${label}): ${String(error)}`));
  }
}

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const events = ctx.scaled(envInt('BENCH_ISOLATION_EVENTS', 1_000), 50);
  const warmupEvents = ctx.scaled(50, 5);
  const requestTimeoutMs = envInt('BENCH_ISOLATION_TIMEOUT_MS', 5_000);
  const worker = workerSettings();
  ctx.log(
    `${events} events × ${healthyEndpoints} healthy endpoints (+${warmupEvents} warm-up), published ${publishBatchSize} a call; ` +
      `request timeout ${requestTimeoutMs} ms; worker batch ${worker.batchSize}, concurrency ${worker.concurrency}`,
  );
  const baseline = await runVariant(ctx, 'baseline', { events, warmupEvents, requestTimeoutMs, boundSeconds: null });
  // Twice the baseline's time tells a ratio down to 0.5 apart from a worse one; 30 s at most keeps
  // the whole run within its budget on a busy machine.
  const boundSeconds = Math.min(30, Math.max(10, 2 * baseline.seconds));
  const withBad = await runVariant(ctx, 'with_bad', { events, warmupEvents, requestTimeoutMs, boundSeconds });
  const ratio = withBad.healthyDeliveriesPerSec / baseline.healthyDeliveriesPerSec;
  ctx.log(`healthy throughput next to a hanging and a failing endpoint: ${ratio.toFixed(2)} × the baseline`);
  return {
    deliveriesPerSec: withBad.healthyDeliveriesPerSec,
    peakRssMb: withBad.footprint.workerPeakRssMb ?? Number.NaN,
    cpuMsPerDelivery: withBad.cpuMsPerHealthyDelivery,
    note:
      `healthy ${ratio.toFixed(2)}× baseline (${baseline.healthyDeliveriesPerSec.toFixed(0)}/s alone)` +
      (withBad.complete ? '' : `, bounded at ${withBad.seconds.toFixed(0)} s`) +
      `; RSS = worker`,
    details: {
      isolationRatio: round3(ratio),
      baselineDeliveriesPerSec: Number(baseline.healthyDeliveriesPerSec.toFixed(1)),
      baselineSeconds: round3(baseline.seconds),
      baselineCpuMsPerDelivery: round3(baseline.cpuMsPerHealthyDelivery),
      withBadSeconds: round3(withBad.seconds),
      withBadComplete: withBad.complete,
      withBadHealthyDeliveries: withBad.healthyRecorded,
      hangAttempts: withBad.hangAttempts,
      failAttempts: withBad.failAttempts,
      events,
      healthyEndpoints,
      requestTimeoutMs,
      badRetrySchedule: badRetrySchedule.join(','),
      workerBatchSize: worker.batchSize,
      workerConcurrency: worker.concurrency,
      ...withBad.footprint,
    },
  };
}
