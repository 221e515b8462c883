/**
 * Ordered delivery's cost (docs/ordering.md): the e2e measurement twice on fresh databases, with two
 * endpoints each, first with unkeyed events, then with every event carrying an ordering key (1,000 keys,
 * so 2,000 lines), and the keyed throughput as a share of the unkeyed one. Keyed deliveries pay for the
 * line: an advisory lock and a look at the line when published, and, when one ends, the lock again and
 * the next one's job in the same transaction; a line sends one delivery at a time. Opt-in
 * (`--only=ordered`): it takes two e2e runs' time.
 */
import { measureEndToEnd } from './e2e';
import { round3 } from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'ordered';
export const optIn = true;
export const timeoutMs = 240_000;

const endpoints = 2;

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const events = envInt('BENCH_ORDERED_EVENTS', 10_000);
  const orderingKeys = envInt('BENCH_ORDERED_KEYS', 1_000);
  const unkeyed = await measureEndToEnd(ctx, { label: 'unkeyed', events, workerProcesses: 1, endpoints });
  await ctx.receiver.reset();
  const keyed = await measureEndToEnd(ctx, { label: 'keyed', events, workerProcesses: 1, endpoints, orderingKeys });
  const ratio = keyed.deliveriesPerSec! / unkeyed.deliveriesPerSec!;
  ctx.log(
    `keyed ${keyed.deliveriesPerSec!.toFixed(0)}/s, unkeyed ${unkeyed.deliveriesPerSec!.toFixed(0)}/s: ` +
      `keyed/unkeyed ${ratio.toFixed(2)}`,
  );
  const cpu = (r: ScenarioResult) => r.cpuMsPerDelivery ?? -1;
  return {
    deliveriesPerSec: keyed.deliveriesPerSec,
    eventsPerSec: keyed.eventsPerSec,
    peakRssMb: keyed.peakRssMb,
    cpuMsPerDelivery: keyed.cpuMsPerDelivery,
    note: `every event keyed (${orderingKeys} keys, ${endpoints} endpoints): ×${ratio.toFixed(2)} of unkeyed (${unkeyed.deliveriesPerSec!.toFixed(0)}/s)`,
    details: {
      events: keyed.details?.events ?? 0,
      endpoints,
      orderingKeys,
      keyedPerSec: round3(keyed.deliveriesPerSec!),
      unkeyedPerSec: round3(unkeyed.deliveriesPerSec!),
      keyedToUnkeyed: round3(ratio),
      keyedPublishPerSec: round3(keyed.eventsPerSec!),
      unkeyedPublishPerSec: round3(unkeyed.eventsPerSec!),
      keyedCpuMsPerDelivery: round3(cpu(keyed)),
      unkeyedCpuMsPerDelivery: round3(cpu(unkeyed)),
    },
  };
}
