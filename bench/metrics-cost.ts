/**
 * What recording metrics costs: the e2e measurement with HOOKLINE_METRICS=on (as deployed) and =off,
 * alternated on/off/on/off in one run. Nothing scrapes, so it is the recording's cost (counters,
 * histograms per attempt and per request). Target: on ÷ off ≥ 0.97. Opt-in:
 * `npm run bench -- --only=metrics-cost --scale=0.3`.
 */
import { compareEndToEnd } from './compare-e2e';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'metrics-cost';
export const optIn = true;
export const timeoutMs = 300_000;

/** Recording may cost at most this share of throughput. */
const target = 0.97;

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const compared = await compareEndToEnd(ctx, {
    events: 50_000,
    rounds: 2,
    a: { name: 'metrics-off', options: { metrics: false } },
    b: { name: 'metrics-on', options: { metrics: true } },
  });
  return {
    deliveriesPerSec: compared.details.metricsOnMeanPerSec,
    peakRssMb: Math.max(...compared.b.map((r) => r.peakRssMb)),
    note:
      `metrics on ÷ off ×${compared.ratio.toFixed(3)} (target ≥ ${target}; rounds ` +
      `${compared.roundRatios.map((r) => r.toFixed(3)).join(', ')}; by CPU per delivery ×${compared.cpuRatio.toFixed(3)})`,
    details: { ...compared.details, target, met: compared.ratio >= target },
  };
}
