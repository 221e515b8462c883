/**
 * Two settings of the e2e measurement compared in one harness run: A, B, A, B … on fresh databases, so a
 * machine that gets busier or quieter during the run (other work, checkpoints, the page cache) weighs on
 * both alike instead of on whichever ran second. Every run is reported, not only the means: on a shared
 * machine one pair can differ by more than the effect being measured. The node-flags, metrics-cost and
 * sweep-cost scenarios are built on it.
 */
import { measureEndToEnd, type EndToEndOptions } from './e2e';
import { round1, round3 } from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

/** One side of the comparison: a short name for logs and details, and what it changes. */
export interface Variant {
  name: string;
  options: Omit<Partial<EndToEndOptions>, 'label' | 'events'>;
}

export interface Comparison {
  a: ScenarioResult[];
  b: ScenarioResult[];
  /** Mean deliveries/s of B over mean deliveries/s of A. */
  ratio: number;
  /** Each round's B over its A, in order. */
  roundRatios: number[];
  /**
   * Mean CPU per delivery of A over that of B (all processes and the database backends): the same
   * direction as `ratio` (below 1, B costs more), and steadier on a machine where other work competes.
   */
  cpuRatio: number;
  /** Per-run figures for the JSON line: `<variant>Run<i>PerSec`, peak RSS of each process, … */
  details: Record<string, number>;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Runs `rounds` rounds of A then B (BENCH_COMPARE_ROUNDS overrides), each e2e with `events` (× scale,
 * BENCH_COMPARE_EVENTS overrides) and one worker process.
 */
export async function compareEndToEnd(
  ctx: BenchContext,
  { events, rounds, a, b }: { events: number; rounds: number; a: Variant; b: Variant },
): Promise<Comparison> {
  const runEvents = envInt('BENCH_COMPARE_EVENTS', events);
  const roundCount = envInt('BENCH_COMPARE_ROUNDS', rounds);
  const results: Record<'a' | 'b', ScenarioResult[]> = { a: [], b: [] };
  for (let round = 1; round <= roundCount; round++) {
    for (const [side, variant] of [
      ['a', a],
      ['b', b],
    ] as const) {
      ctx.signal.throwIfAborted();
      await ctx.receiver.reset();
      ctx.log(`round ${round}/${roundCount}: ${variant.name}`);
      results[side].push(
        await measureEndToEnd(ctx, {
          ...variant.options,
          label: `${variant.name.replace(/[^a-z0-9]+/gi, '_')}_${round}`,
          events: runEvents,
          workerProcesses: 1,
        }),
      );
    }
  }
  const rate = (r: ScenarioResult) => r.deliveriesPerSec!;
  const ratio = mean(results.b.map(rate)) / mean(results.a.map(rate));
  const roundRatios = results.b.map((r, i) => rate(r) / rate(results.a[i]!));
  const cpu = (r: ScenarioResult) => r.cpuMsPerDelivery!;
  const cpuRatio = mean(results.a.map(cpu)) / mean(results.b.map(cpu));
  const details: Record<string, number> = {};
  for (const [side, variant] of [
    ['a', a],
    ['b', b],
  ] as const) {
    const key = variant.name.replace(/[^a-z0-9]+(.)/gi, (_, c: string) => c.toUpperCase());
    results[side].forEach((r, i) => {
      details[`${key}Run${i + 1}PerSec`] = round1(rate(r));
      for (const figure of [
        'workerPeakRssMb',
        'apiPeakRssMb',
        'workerCpuMsPerDelivery',
        'apiCpuMsPerDelivery',
        'databaseCpuMsPerDelivery',
        'sweptRows',
        'seededRows',
        'seedSeconds',
      ]) {
        const value = r.details?.[figure];
        if (typeof value === 'number')
          details[`${key}Run${i + 1}${figure[0]!.toUpperCase()}${figure.slice(1)}`] = value;
      }
      details[`${key}Run${i + 1}CpuMsPerDelivery`] = round3(r.cpuMsPerDelivery!);
    });
    details[`${key}MeanPerSec`] = round1(mean(results[side].map(rate)));
  }
  roundRatios.forEach((r, i) => (details[`round${i + 1}Ratio`] = round3(r)));
  details.ratio = round3(ratio);
  // With several rounds, one disturbed pair moves the median less than the mean.
  details.medianRoundRatio = round3(median(roundRatios));
  details.cpuRatio = round3(cpuRatio);
  ctx.log(
    `${b.name} ÷ ${a.name}: ${ratio.toFixed(3)} (rounds ${roundRatios.map((r) => r.toFixed(3)).join(', ')}; ` +
      `by CPU per delivery ${cpuRatio.toFixed(3)}); ` +
      `${a.name} ${results.a.map((r) => rate(r).toFixed(0)).join(', ')}/s, ${b.name} ${results.b.map((r) => rate(r).toFixed(0)).join(', ')}/s`,
  );
  return { a: results.a, b: results.b, ratio, roundRatios, cpuRatio, details };
}

/** The largest value of `figure` in `results`' details (a peak over several runs). */
export function largest(results: ScenarioResult[], figure: string): number {
  return Math.max(...results.map((r) => Number(r.details?.[figure] ?? Number.NaN)));
}
