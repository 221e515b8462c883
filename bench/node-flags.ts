/**
 * Node flags: the e2e measurement without flags (Node sizes its heap from the machine's RAM) and with the
 * heap limits docs/operations.md recommends (or BENCH_NODE_FLAGS="…"), alternated. Reports each process's peak RSS both ways and the throughput and CPU
 * per delivery with the flags over without. Opt-in: `npm run bench -- --only=node-flags --scale=0.2`.
 */
import { compareEndToEnd, largest } from './compare-e2e';
import { nodeFlagsFrom, recommendedNodeFlags } from './lib/hookline';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'node-flags';
export const optIn = true;
export const timeoutMs = 300_000;

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  // BENCH_NODE_FLAGS=none would compare no flags with no flags: its B side is then the recommended ones.
  const setting = nodeFlagsFrom('BENCH_NODE_FLAGS', recommendedNodeFlags);
  const flags = setting.length > 0 ? setting : recommendedNodeFlags;
  // The side compared against: no flags, unless BENCH_NODE_FLAGS_BASE names others (two flag sets, one run).
  const baseFlags = nodeFlagsFrom('BENCH_NODE_FLAGS_BASE', []);
  const compared = await compareEndToEnd(ctx, {
    events: 50_000,
    rounds: 2,
    a: { name: 'no-flags', options: { nodeFlags: baseFlags } },
    b: { name: 'flags', options: { nodeFlags: flags } },
  });
  const peaks = {
    workerPeakRssMbNoFlags: largest(compared.a, 'workerPeakRssMb'),
    apiPeakRssMbNoFlags: largest(compared.a, 'apiPeakRssMb'),
    workerPeakRssMbFlags: largest(compared.b, 'workerPeakRssMb'),
    apiPeakRssMbFlags: largest(compared.b, 'apiPeakRssMb'),
  };
  return {
    deliveriesPerSec: compared.details.flagsMeanPerSec,
    peakRssMb: peaks.workerPeakRssMbFlags,
    note:
      `with ${flags.join(' ')}${baseFlags.length > 0 ? ` against ${baseFlags.join(' ')}` : ''}: ×${compared.ratio.toFixed(3)} throughput (×${compared.cpuRatio.toFixed(3)} by CPU ` +
      `per delivery); peak RSS worker ` +
      `${peaks.workerPeakRssMbNoFlags.toFixed(0)} → ${peaks.workerPeakRssMbFlags.toFixed(0)} MB, API ` +
      `${peaks.apiPeakRssMbNoFlags.toFixed(0)} → ${peaks.apiPeakRssMbFlags.toFixed(0)} MB`,
    details: { ...compared.details, ...peaks, flags: flags.join(' '), baseFlags: baseFlags.join(' ') },
  };
}
