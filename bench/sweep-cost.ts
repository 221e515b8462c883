/**
 * What the retention sweep costs delivery: the e2e measurement without a sweep, and with 1,000,000
 * expired rows (BENCH_SWEEP_COST_EVENTS events × 3: event, delivery, attempt, dated two days back,
 * inserted with generate_series) that `sweepExpired` removes while the timed run goes on, alternated.
 * Reports the rows removed during each run, when the backlog was gone, and sweep ÷ no sweep (target ≥ 0.8).
 * A run is 70,000 events (× scale) so that at scale 1 the paced sweep has the time to remove the whole
 * million within it on a 2-core machine, and the ratio is over a run the sweep took nearly all of.
 * Opt-in: `npm run bench -- --only=sweep-cost` (the seeded rows are not scaled).
 */
import { compareEndToEnd } from './compare-e2e';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'sweep-cost';
export const optIn = true;
// A round is two runs of 70,000 events and a million seeded rows, about two minutes here.
export const timeoutMs = 180_000 * envInt('BENCH_COMPARE_ROUNDS', 2);

/** Throughput with the sweep running may drop to this share, no lower. */
const target = 0.8;

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const sweepEvents = envInt('BENCH_SWEEP_COST_EVENTS', 333_334);
  const compared = await compareEndToEnd(ctx, {
    events: 70_000,
    rounds: 2,
    a: { name: 'no-sweep', options: { sweepEvents: 0 } },
    b: { name: 'sweep', options: { sweepEvents } },
  });
  const swept = compared.b.map((r) => Number(r.details?.sweptRows ?? 0));
  const emptied = compared.b.map((r) => {
    const after = r.details?.sweepEmptiedAfterSeconds;
    return typeof after === 'number' ? `${after.toFixed(0)} s` : 'never';
  });
  return {
    deliveriesPerSec: compared.details.sweepMeanPerSec,
    peakRssMb: Math.max(...compared.b.map((r) => r.peakRssMb)),
    note:
      `sweep ÷ no sweep ×${compared.ratio.toFixed(3)} (target ≥ ${target}; by CPU per delivery ` +
      `×${compared.cpuRatio.toFixed(3)}); removed ` +
      `${swept.map((n) => n.toLocaleString('en')).join(', ')} of ${(sweepEvents * 3).toLocaleString('en')} rows during the runs ` +
      `(nothing left after ${emptied.join(', ')})`,
    details: { ...compared.details, seededRowsPerRun: sweepEvents * 3, target, met: compared.ratio >= target },
  };
}
