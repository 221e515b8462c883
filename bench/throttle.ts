/**
 * Throttle (a target in bench/README.md, opt-in: `--only=throttle`): does one rate-limited endpoint
 * slow its unlimited neighbours down, and how close does it keep to its limit?
 *
 * Two runs, each on a fresh database with its own API and worker processes:
 *   baseline      10 unlimited endpoints (`/ok/…`); 1,000 events (× scale), each fanned out to all 10.
 *   with-limited  the same, plus one endpoint with `rateLimit` 50/s (`BENCH_THROTTLE_RATE`) on an origin
 *                 of its own, receiving every event too: its jobs share the unlimited ones' batches.
 * Unlimited deliveries/s = unlimited deliveries ÷ time from the first publish to their last attempt row.
 * The headline is with-limited ÷ baseline. The limited endpoint's achieved rate is its attempts ÷ the
 * span of their start times, and its busiest second the most attempts that started within any 1 s
 * (the worker's clock); the run waits for it to finish (bounded by twice the time its limit needs).
 */
import { randomBytes } from 'node:crypto';
import { orderBatch } from './lib/events';
import { startHookline } from './lib/hookline';
import {
  assertNoProcessErrors,
  footprint,
  round1,
  round3,
  runCallers,
  waitForAttempts,
  workerSettings,
} from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'throttle';
export const optIn = true;
export const timeoutMs = 170_000;

const unlimitedEndpoints = 10;
const publishBatchSize = 100;

interface VariantResult {
  unlimitedPerSec: number;
  seconds: number;
  limited: { attempts: number; achievedPerSec: number; busiestSecond: number; seconds: number } | null;
  workerPeakRssMb: number | null;
}

async function runVariant(
  ctx: BenchContext,
  label: 'baseline' | 'with_limited',
  { events, rateLimit }: { events: number; rateLimit: number },
): Promise<VariantResult> {
  const hookline = await startHookline({
    databaseUrl: await ctx.createDatabase(label),
    label: `throttle-${label}`,
    worker: workerSettings(),
    apiConnections: 2,
    log: ctx.log,
    signal: ctx.signal,
  });
  try {
    const runId = `thr-${label}-${randomBytes(4).toString('hex')}`;
    const appId = await hookline.rest.createApplication(`bench throttle ${label}`);
    const unlimitedIds: string[] = [];
    for (let i = 0; i < unlimitedEndpoints; i++) {
      unlimitedIds.push(await hookline.rest.createEndpoint(appId, { url: `${ctx.receiver.url}/ok/thr-${label}-${i}` }));
    }
    const limitedId =
      label === 'with_limited'
        ? await hookline.rest.createEndpoint(appId, { url: `${await ctx.receiver.openOrigin()}/ok/limited`, rateLimit })
        : null;
    await ctx.receiver.reset();

    const startedAt = performance.now();
    await runCallers(
      Math.ceil(events / publishBatchSize),
      1,
      (call) =>
        hookline.rest.publishBatch(
          appId,
          orderBatch(call * publishBatchSize, Math.min(publishBatchSize, events - call * publishBatchSize), runId),
        ),
      ctx.signal,
    );
    const finishedAt = await waitForAttempts(hookline, events * unlimitedEndpoints, ctx.signal, {
      where: 'd.endpoint_id = any($1::text[])',
      values: [unlimitedIds],
    });
    const seconds = (finishedAt - startedAt) / 1000;

    let limited: VariantResult['limited'] = null;
    if (limitedId) {
      const bound = AbortSignal.any([
        ctx.signal,
        AbortSignal.timeout(Math.round((2 * events * 1000) / rateLimit) + 10_000),
      ]);
      await waitForAttempts(hookline, events, bound, { where: 'd.endpoint_id = $1', values: [limitedId] }, 200);
      const [row] = await hookline.sql<{ attempts: number; span: number; busiest: number }[]>`
        with a as (
          select a.started_at as t from attempts a join deliveries d on d.id = a.delivery_id where d.endpoint_id = ${limitedId}
        )
        select count(*)::int as attempts,
               extract(epoch from max(t) - min(t))::float8 as span,
               (select max(n) from (select count(*) over (order by t range between current row and '999 milliseconds' following) as n from a) w)::int as busiest
          from a`;
      limited = {
        attempts: row!.attempts,
        achievedPerSec: (row!.attempts - 1) / row!.span,
        busiestSecond: row!.busiest,
        seconds: row!.span,
      };
    }
    assertNoProcessErrors(hookline);
    const { workerPeakRssMb } = footprint(hookline);
    const unlimitedPerSec = (events * unlimitedEndpoints) / seconds;
    ctx.log(
      `${label}: ${events * unlimitedEndpoints} unlimited deliveries in ${seconds.toFixed(2)} s: ${unlimitedPerSec.toFixed(0)}/s` +
        (limited
          ? `; limited (${rateLimit}/s): ${limited.attempts} in ${limited.seconds.toFixed(1)} s, ` +
            `${limited.achievedPerSec.toFixed(2)}/s, busiest second ${limited.busiestSecond}`
          : ''),
    );
    return { unlimitedPerSec, seconds, limited, workerPeakRssMb: workerPeakRssMb ?? null };
  } finally {
    await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline (${label}): ${String(error)}`));
  }
}

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const events = ctx.scaled(envInt('BENCH_THROTTLE_EVENTS', 1_000), 50);
  const rateLimit = envInt('BENCH_THROTTLE_RATE', 50);
  ctx.log(`${events} events × ${unlimitedEndpoints} unlimited endpoints, one more at rateLimit ${rateLimit}/s`);
  const baseline = await runVariant(ctx, 'baseline', { events, rateLimit });
  const withLimited = await runVariant(ctx, 'with_limited', { events, rateLimit });
  const ratio = withLimited.unlimitedPerSec / baseline.unlimitedPerSec;
  const limited = withLimited.limited!;
  ctx.log(`unlimited throughput beside a rate-limited endpoint: ${ratio.toFixed(2)} × the baseline`);
  return {
    deliveriesPerSec: withLimited.unlimitedPerSec,
    peakRssMb: withLimited.workerPeakRssMb ?? Number.NaN,
    note:
      `unlimited ${ratio.toFixed(2)}× baseline (${baseline.unlimitedPerSec.toFixed(0)}/s alone); limited ` +
      `${limited.achievedPerSec.toFixed(1)}/s of ${rateLimit}, busiest second ${limited.busiestSecond}`,
    details: {
      unlimitedRatio: round3(ratio),
      baselinePerSec: round1(baseline.unlimitedPerSec),
      withLimitedPerSec: round1(withLimited.unlimitedPerSec),
      rateLimit,
      limitedAchievedPerSec: round3(limited.achievedPerSec),
      limitedBusiestSecond: limited.busiestSecond,
      limitedAttempts: limited.attempts,
      events,
      unlimitedEndpoints,
    },
  };
}
