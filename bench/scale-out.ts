/**
 * Scale-out: the e2e measurement twice, on fresh databases, first with one delivery worker process,
 * then with two (each with Hookline's default batch and concurrency), and how the second compares.
 * On a 2-core machine that the API, PostgreSQL, the receiver and the harness share, two workers
 * cannot double anything: the figures that let the story be projected onto more cores are the ratio
 * and the CPU per delivery of each part (the worker's, PostgreSQL's), which say what a delivery costs
 * wherever it runs. Opt-in (`--only=scale-out`): it takes two e2e runs' time.
 */
import { measureEndToEnd } from './e2e';
import { round3 } from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'scale-out';
export const optIn = true;
export const timeoutMs = 240_000;

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const events = envInt('BENCH_SCALE_OUT_EVENTS', 20_000);
  const one = await measureEndToEnd(ctx, { label: 'one', events, workerProcesses: 1 });
  await ctx.receiver.reset();
  const two = await measureEndToEnd(ctx, { label: 'two', events, workerProcesses: 2 });
  const ratio = two.deliveriesPerSec! / one.deliveriesPerSec!;
  // A figure the e2e run did not measure (no local database server, so no backend CPU) is -1.
  const cpu = (r: ScenarioResult, key: string) => (r.details?.[key] as number | undefined) ?? -1;
  ctx.log(
    `1 worker ${one.deliveriesPerSec!.toFixed(0)}/s, 2 workers ${two.deliveriesPerSec!.toFixed(0)}/s: ×${ratio.toFixed(2)}`,
  );
  return {
    deliveriesPerSec: two.deliveriesPerSec,
    peakRssMb: two.peakRssMb,
    cpuMsPerDelivery: two.cpuMsPerDelivery,
    note: `2 worker processes: ×${ratio.toFixed(2)} of 1 (${one.deliveriesPerSec!.toFixed(0)}/s); RSS = first worker`,
    details: {
      events: one.details?.events ?? 0,
      oneWorkerPerSec: round3(one.deliveriesPerSec!),
      twoWorkersPerSec: round3(two.deliveriesPerSec!),
      twoToOne: round3(ratio),
      oneWorkerCpuMsPerDelivery: round3(one.cpuMsPerDelivery!),
      twoWorkersCpuMsPerDelivery: round3(two.cpuMsPerDelivery!),
      oneWorkerWorkerCpuMsPerDelivery: cpu(one, 'workerCpuMsPerDelivery'),
      twoWorkersWorkerCpuMsPerDelivery: cpu(two, 'workerCpuMsPerDelivery'),
      oneWorkerDatabaseCpuMsPerDelivery: cpu(one, 'databaseCpuMsPerDelivery'),
      twoWorkersDatabaseCpuMsPerDelivery: cpu(two, 'databaseCpuMsPerDelivery'),
      oneWorkerApiCpuMsPerDelivery: cpu(one, 'apiCpuMsPerDelivery'),
      twoWorkersApiCpuMsPerDelivery: cpu(two, 'apiCpuMsPerDelivery'),
    },
  };
}
