/**
 * What the retention sweep costs delivery: the e2e measurement without a sweep, and with 1,000,000
 * expired rows (BENCH_SWEEP_COST_EVENTS events × 3: event, delivery, attempt, dated two days back,
 * inserted with generate_series) that `sweepExpired` removes while the timed run goes on, alternated.
 * Reports the rows removed during each run and sweep ÷ no sweep (target ≥ 0.8). Opt-in:
 * `npm run bench -- --only=sweep-cost --scale=0.3` (the seeded rows are not scaled).
 */
import { compareEndToEnd } from './compare-e2e';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'sweep-cost';
export const optIn = true;
export const timeoutMs = 360_000;

/** Throughput with the sweep running may drop to this share, no lower. */
const target = 0.8;

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const sweepEvents = envInt('BENCH_SWEEP_COST_EVENTS', 333_334);
  const compared = await compareEndToEnd(ctx, {
    events: 50_000,
    rounds: 2,
    a: { name: 'no-sweep', options: { sweepEvents: 0 } },
    b: { name: 'sweep', options: { sweepEvents } },
  });
  const swept = compared.b.map((r) => Number(r.details?.sweptRows ?? 0));
  return {
    deliveriesPerSec: compared.details.sweepMeanPerSec,
    peakRssMb: Math.max(...compared.b.map((r) => r.peakRssMb)),
    note:
      `sweep ÷ no sweep ×${compared.ratio.toFixed(3)} (target ≥ ${target}; by CPU per delivery ` +
      `×${compared.cpuRatio.toFixed(3)}); removed ` +
      `${swept.map((n) => n.toLocaleString('en')).join(', ')} of ${(sweepEvents * 3).toLocaleString('en')} rows during the runs`,
    details: { ...compared.details, seededRowsPerRun: sweepEvents * 3, target, met: compared.ratio >= target },
  };
}
