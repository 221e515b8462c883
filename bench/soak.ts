/**
 * Soak (opt-in: `npm run bench -- --only=soak`; not part of a plain `npm run bench`): Hookline with a
 * retention of minutes, fed order.created events at a steady rate to one endpoint, so storage must
 * stop growing once the retention sweep and pg-boss's own clean-up keep pace.
 *
 * Every 10 s it samples the bytes of Hookline's and pg-boss's tables (indexes included) through the
 * API's admin stats view (GET /api/v1/stats/tables) and the rows present, and prints them. Pass: every
 * published event reached the receiver, and after warm-up (twice the retention) the size plateaus: the
 * largest sample of the last third is at most 1.2 × the largest of the middle third.
 *
 * BENCH_SOAK_RATE events/s (default 1,000, × scale), BENCH_SOAK_SECONDS of publishing (default 330: ≥ 300,000
 * deliveries when the machine keeps the rate; the rate reached is reported), BENCH_SOAK_RETENTION_SECONDS
 * (default 60).
 */
import { randomBytes } from 'node:crypto';
import { orderBatch } from './lib/events';
import { startHookline, type Hookline } from './lib/hookline';
import { assertNoProcessErrors, footprint, round3, waitForReceiver, workerSettings } from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'soak';
/** Runs only when asked for by name: it takes minutes by design. */
export const optIn = true;

const rate = envInt('BENCH_SOAK_RATE', 1_000);
const publishSeconds = envInt('BENCH_SOAK_SECONDS', 330);
const retentionSeconds = envInt('BENCH_SOAK_RETENTION_SECONDS', 60);
const sampleEveryMs = 10_000;
// Publishing plus time to drain, start and stop.
export const timeoutMs = (publishSeconds + 180) * 1000;

const ticksPerSecond = 10;
// The API's batch limit.
const maxBatch = 1_000;

type Sample = { seconds: number; hooklineBytes: number; queueBytes: number; deliveries: number; jobs: number };

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const perSecond = ctx.scaled(rate);
  const seconds = publishSeconds;
  const runId = `soak-${randomBytes(4).toString('hex')}`;
  ctx.log(
    `${perSecond} events/s for ${seconds} s (${perSecond * seconds} deliveries), ` +
      `retention ${retentionSeconds} s, sampling table bytes every ${sampleEveryMs / 1000} s`,
  );
  const databaseUrl = await ctx.createDatabase('soak');
  const hookline = await startHookline({
    databaseUrl,
    label: 'soak',
    worker: workerSettings({
      env: {
        HOOKLINE_RETENTION_DAYS: String(retentionSeconds / 86_400),
        // pg-boss deletes completed jobs (kept for the retention here) at its maintenance, this often.
        HOOKLINE_QUEUE_MONITOR_INTERVAL_SECONDS: '10',
      },
    }),
    log: ctx.log,
    signal: ctx.signal,
  });
  try {
    const appId = await hookline.rest.createApplication('bench soak');
    await hookline.rest.createEndpoint(appId, { url: `${ctx.receiver.url}/ok/soak` });

    const startedAt = performance.now();
    const samples: Sample[] = [];
    const sampler = startSampling(hookline, startedAt, samples, ctx.log);
    // Each call publishes the events due by now (rate × elapsed), up to a full batch: a steady rate,
    // with a slow publish made up by the next one rather than shifting the whole schedule.
    let published = 0;
    let behind = 0;
    try {
      for (;;) {
        ctx.signal.throwIfAborted();
        const elapsedMs = performance.now() - startedAt;
        if (elapsedMs >= seconds * 1000) break;
        const due = Math.floor((perSecond * elapsedMs) / 1000) - published;
        if (due <= 0) {
          await new Promise((resolve) => setTimeout(resolve, 1000 / ticksPerSecond));
          continue;
        }
        const count = Math.min(maxBatch, due);
        behind = Math.max(behind, due - count);
        await hookline.rest.publishBatch(appId, orderBatch(published, count, runId));
        published += count;
      }
    } finally {
      await sampler.stop();
    }
    const publishedAt = performance.now();
    await waitForReceiver(ctx, (s) => s.count >= published, ctx.signal);
    const received = (await ctx.receiver.summary()).count;
    assertNoProcessErrors(hookline);
    const peak = footprint(hookline);

    const plateau = plateauRatio(samples, retentionSeconds * 2);
    const perMillion = bytesPerMillionDeliveries(samples);
    const passed = received === published && plateau !== null && plateau <= 1.2;
    ctx.log(
      `${published} deliveries published in ${((publishedAt - startedAt) / 1000).toFixed(1)} s (at most ` +
        `${behind} events behind schedule), ${received} received; plateau ratio ` +
        `${plateau === null ? 'n/a (too few samples)' : plateau.toFixed(3)}: ${passed ? 'PASS' : 'FAIL'}`,
    );
    if (!passed) throw new Error(`soak failed: received ${received}/${published}, plateau ratio ${plateau}`);
    return {
      deliveriesPerSec: published / ((publishedAt - startedAt) / 1000),
      compareToCeiling: false,
      peakRssMb: peak.workerPeakRssMb ?? Number.NaN,
      note: `plateau ratio ${plateau!.toFixed(2)} (≤ 1.2 passes)`,
      details: {
        deliveries: published,
        received,
        retentionSeconds,
        publishSeconds: round3((publishedAt - startedAt) / 1000),
        plateauRatio: round3(plateau!),
        bytesPerMillionDeliveries: Math.round(perMillion),
        // seconds:MB of all tables, in order.
        series: samples.map((s) => `${s.seconds.toFixed(0)}:${mb(s.hooklineBytes + s.queueBytes)}`).join(' '),
      },
    };
  } finally {
    await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline: ${String(error)}`));
  }
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function startSampling(hookline: Hookline, startedAt: number, samples: Sample[], log: (m: string) => void) {
  const take = async () => {
    const [{ tables }, [rows]] = await Promise.all([
      hookline.rest.request<{ tables: { table: string; bytes: number }[] }>('GET', '/stats/tables'),
      hookline.sql<{ deliveries: number; jobs: number }[]>`
        select (select count(*) from deliveries)::int as deliveries,
               (select count(*) from pgboss.job where name = 'delivery')::int as jobs`,
    ]);
    const sum = (prefix: string) =>
      tables.filter((t) => t.table.startsWith(prefix)).reduce((total, t) => total + t.bytes, 0);
    const sample = {
      seconds: (performance.now() - startedAt) / 1000,
      hooklineBytes: sum('public.'),
      queueBytes: sum('pgboss.'),
      deliveries: rows!.deliveries,
      jobs: rows!.jobs,
    };
    samples.push(sample);
    log(
      `t=${sample.seconds.toFixed(0)} s: ${mb(sample.hooklineBytes + sample.queueBytes)} MB ` +
        `(Hookline ${mb(sample.hooklineBytes)} MB, pg-boss ${mb(sample.queueBytes)} MB); ` +
        `${sample.deliveries} deliveries, ${sample.jobs} delivery jobs`,
    );
  };
  let running = take();
  const timer = setInterval(() => {
    running = running.then(take, take);
  }, sampleEveryMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** max(last third) ÷ max(middle third) of the samples after `warmupSeconds`; null with fewer than 3. */
function plateauRatio(samples: Sample[], warmupSeconds: number): number | null {
  const sizes = samples.filter((s) => s.seconds >= warmupSeconds).map((s) => s.hooklineBytes + s.queueBytes);
  if (sizes.length < 3) return null;
  const third = Math.floor(sizes.length / 3);
  const middle = sizes.slice(third, sizes.length - third);
  const last = sizes.slice(sizes.length - third);
  return Math.max(...last) / Math.max(...middle);
}

/**
 * Storage per million deliveries at steady state: the last sample's bytes (events, deliveries,
 * attempts, jobs, indexes and the dead space a steady churn keeps) over the deliveries present.
 */
function bytesPerMillionDeliveries(samples: Sample[]): number {
  const last = samples.at(-1);
  if (!last || last.deliveries === 0) return Number.NaN;
  return ((last.hooklineBytes + last.queueBytes) / last.deliveries) * 1_000_000;
}
