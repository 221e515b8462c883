/**
 * Large payloads: what a worker's memory does when every event is about 200 KB, with the batch payload
 * budget (HOOKLINE_WORKER_BATCH_PAYLOAD_BYTES, 4 MiB by default) and without it (1 GiB, i.e. a batch of
 * 200 loads all 200 payloads), both under the recommended Node flags (a 128 MB old generation). Each run
 * is on a fresh database with fresh processes; it reports the worker's peak RSS, the deliveries/s, and
 * whether the worker survived. The worker is paused while the events are published, so it meets them as a
 * backlog in full batches. Opt-in: `npm run bench -- --only=large-payloads`.
 */
import { randomBytes } from 'node:crypto';
import { largeOrderCreated } from './lib/events';
import { startHookline } from './lib/hookline';
import { footprint, round1, runCallers, waitForAttempts, workerSettings } from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'large-payloads';
export const optIn = true;
export const timeoutMs = 300_000;

/** Events a publish call carries: 8 × ~200 KB stays under the bench API's 2 MiB body limit. */
const perCall = 8;

type Variant = { name: string; budgetBytes: number };

async function measure(ctx: BenchContext, variant: Variant, events: number) {
  const label = `large-${variant.name}`;
  const run = `${label}-${randomBytes(4).toString('hex')}`;
  const hookline = await startHookline({
    databaseUrl: await ctx.createDatabase(label),
    label,
    worker: workerSettings({ env: { HOOKLINE_WORKER_BATCH_PAYLOAD_BYTES: String(variant.budgetBytes) } }),
    apiConnections: 2,
    log: ctx.log,
    signal: ctx.signal,
  });
  try {
    const appId = await hookline.rest.createApplication(`bench ${label}`);
    await hookline.rest.createEndpoint(appId, { url: `${ctx.receiver.url}/ok/${label}` });
    await ctx.receiver.reset();
    // The worker is paused (SIGSTOP) while everything is published, as after an outage, so its batches
    // come back full (200 jobs): the worst case for its memory.
    const worker = hookline.worker!;
    process.kill(worker.pid, 'SIGSTOP');
    await runCallers(
      events / perCall,
      2,
      async (call) => {
        const batch = Array.from({ length: perCall }, (_, i) => largeOrderCreated(call * perCall + i, run));
        await hookline.rest.publishBatch(appId, batch);
      },
      ctx.signal,
    );
    const started = performance.now();
    process.kill(worker.pid, 'SIGCONT');
    const outcome = await Promise.race([
      waitForAttempts(hookline, events, ctx.signal, undefined, 100).then(() => 'delivered' as const),
      worker.exited.then(({ code, signal }) => `worker exited (${signal ?? code})` as const),
    ]);
    const seconds = (performance.now() - started) / 1000;
    const peak = footprint(hookline);
    const survived = outcome === 'delivered';
    ctx.log(
      `${variant.name}: ${survived ? `${events} delivered in ${seconds.toFixed(1)} s` : outcome}; ` +
        `peak RSS worker ${peak.workerPeakRssMb} MB${survived ? '' : `; its last lines:\n${worker.tail(5)}`}`,
    );
    return { survived, outcome, deliveriesPerSec: survived ? events / seconds : 0, peak };
  } finally {
    // Paused still if publishing failed: a stopped process would not hear SIGTERM.
    if (hookline.worker && !hookline.worker.hasExited) process.kill(hookline.worker.pid, 'SIGCONT');
    await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline: ${String(error)}`));
  }
}

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const events = Math.ceil(ctx.scaled(envInt('BENCH_LARGE_EVENTS', 2_000), perCall) / perCall) * perCall;
  const bytes = JSON.stringify(largeOrderCreated(0, 'size').data).length;
  ctx.log(`${events} events of ${(bytes / 1024).toFixed(0)} KB each, worker batch 200, concurrency 2`);
  const budgeted = await measure(ctx, { name: 'budget-4MiB', budgetBytes: 4 * 1024 * 1024 }, events);
  const unbounded = await measure(ctx, { name: 'no-budget', budgetBytes: 1024 * 1024 * 1024 }, events);
  if (!budgeted.survived) throw new Error(`with the payload budget: ${budgeted.outcome}`);
  return {
    deliveriesPerSec: budgeted.deliveriesPerSec,
    peakRssMb: budgeted.peak.workerPeakRssMb ?? Number.NaN,
    note:
      `~${(bytes / 1024).toFixed(0)} KB events; worker peak RSS ${budgeted.peak.workerPeakRssMb} MB with the 4 MiB ` +
      `budget, ${unbounded.survived ? `${unbounded.peak.workerPeakRssMb} MB` : unbounded.outcome} without`,
    details: {
      events,
      eventBytes: bytes,
      budgetWorkerPeakRssMb: budgeted.peak.workerPeakRssMb ?? Number.NaN,
      budgetApiPeakRssMb: budgeted.peak.apiPeakRssMb ?? Number.NaN,
      budgetPerSec: round1(budgeted.deliveriesPerSec),
      noBudgetOutcome: unbounded.outcome,
      noBudgetWorkerPeakRssMb: unbounded.peak.workerPeakRssMb ?? Number.NaN,
      noBudgetPerSec: round1(unbounded.deliveriesPerSec),
    },
  };
}
