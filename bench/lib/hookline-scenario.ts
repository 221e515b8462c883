/** What the scenarios that run Hookline (ingest, e2e, latency, isolation) share. */
import { envInt } from './options';
import type { Hookline, WorkerSettings } from './hookline';
import { logStatements, resetStatements } from './statements';
import type { BenchContext } from './types';

/**
 * The delivery worker's settings: Hookline's own defaults (batch 100, 4 fetch loops) unless
 * `BENCH_WORKER_BATCH_SIZE` / `BENCH_WORKER_CONCURRENCY` say otherwise, so the benchmark measures
 * Hookline as shipped.
 */
export function workerSettings(extra: Partial<WorkerSettings> = {}): WorkerSettings {
  return {
    batchSize: envInt('BENCH_WORKER_BATCH_SIZE', 200),
    concurrency: envInt('BENCH_WORKER_CONCURRENCY', 2),
    ...extra,
  };
}

export const round3 = (value: number) => Number(value.toFixed(3));
export const round1 = (value: number) => Number(value.toFixed(1));

export interface HooklineCpu {
  /** Harness + receiver + database backends + API + worker, in ms. */
  totalMs: number;
  /** Per-side CPU ms divided by `per`, for the JSON line's details. */
  split(per: number, unit: string): Record<string, number>;
  /** With BENCH_PG_STAT_STATEMENTS=1: logs the window's top statements per `unit`. */
  logStatements(per: number, unit: string): Promise<void>;
}

/**
 * Counts CPU like `ctx.startCpuMeter` (harness, receiver, database backends of this run) plus the
 * Hookline processes, read from /proc.
 */
export async function startHooklineCpu(
  ctx: BenchContext,
  hookline: Hookline,
): Promise<{ stop(): Promise<HooklineCpu> }> {
  const statements = await resetStatements(hookline.sql, ctx.log);
  const meter = await ctx.startCpuMeter();
  const start = hookline.cpuMs();
  return {
    async stop() {
      const end = hookline.cpuMs();
      const used = await meter.stop();
      const apiMs = end.apiMs - start.apiMs;
      const workerMs = end.workerMs - start.workerMs;
      const parts: Record<string, number> = {
        api: apiMs,
        ...(hookline.worker ? { worker: workerMs } : {}),
        ...(used.databaseMs === null ? {} : { database: used.databaseMs }),
        harness: used.harnessMs,
        receiver: used.receiverMs,
      };
      return {
        totalMs: used.totalMs + apiMs + workerMs,
        split(per, unit) {
          return Object.fromEntries(
            Object.entries(parts).map(([side, ms]) => [`${side}CpuMsPer${unit}`, round3(ms / per)]),
          );
        },
        async logStatements(per, unit) {
          if (statements) await logStatements(hookline.sql, per, unit.toLowerCase(), ctx.log);
        },
      };
    },
  };
}

/**
 * Runs `count` calls of `call(index)` over `callers` concurrent loops, each starting its next call
 * when the last one answered (closed loop). Resolves with each call's duration in ms, in call order.
 */
export async function runCallers(
  count: number,
  callers: number,
  call: (index: number) => Promise<unknown>,
  signal: AbortSignal,
): Promise<Float64Array> {
  const durations = new Float64Array(count);
  let next = 0;
  const loop = async () => {
    while (next < count) {
      signal.throwIfAborted();
      const index = next++;
      const started = performance.now();
      await call(index);
      durations[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(callers, count) }, loop));
  return durations;
}

/**
 * Waits until the `attempts` table (optionally narrowed by `where`, a condition on `a`/`d`, with
 * `values`) holds at least `count` rows, polling every `pollMs`, and resolves with the time it saw
 * them (performance.now()). Start it once the receiver has got everything, so the polling only
 * costs the database during the last moments of a run.
 */
export async function waitForAttempts(
  hookline: Hookline,
  count: number,
  signal: AbortSignal,
  narrow?: { where: string; values: unknown[] },
  pollMs = 20,
): Promise<number> {
  const query = narrow
    ? `select count(*)::int as n from attempts a join deliveries d on d.id = a.delivery_id where ${narrow.where}`
    : 'select count(*)::int as n from attempts';
  for (;;) {
    signal.throwIfAborted();
    const [row] = await hookline.sql.unsafe<{ n: number }[]>(query, (narrow?.values ?? []) as never[]);
    if (row!.n >= count) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Polls the receiver until `done(summary)` holds, every `pollMs`; resolves with performance.now()
 * at that moment, or rejects with the signal's reason.
 */
export async function waitForReceiver(
  ctx: BenchContext,
  done: (summary: Awaited<ReturnType<BenchContext['receiver']['summary']>>) => boolean,
  signal: AbortSignal,
  pollMs = 50,
): Promise<number> {
  for (;;) {
    signal.throwIfAborted();
    if (done(await ctx.receiver.summary())) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Throws when a Hookline process logged errors (queue errors, unexpected errors) during the run. */
export function assertNoProcessErrors(hookline: Hookline): void {
  for (const child of [hookline.api, ...hookline.workers]) {
    if (child && child.errorLines > 0) {
      throw new Error(`${child.role} logged ${child.errorLines} error lines; first: ${child.firstError}`);
    }
  }
}

/**
 * Footprint of both processes for the JSON line: VmHWM (peak resident set since start) now, and
 * when each became ready (start-up alone: Node, the tsx loader, the modules, the pools).
 */
export function footprint(hookline: Hookline): {
  apiPeakRssMb?: number;
  workerPeakRssMb?: number;
  apiReadyRssMb?: number;
  workerReadyRssMb?: number;
} {
  const figures: Record<string, number | null | undefined> = {
    apiPeakRssMb: hookline.api.peakRssMb(),
    workerPeakRssMb: hookline.worker?.peakRssMb(),
    apiReadyRssMb: hookline.api.readyPeakRssMb,
    workerReadyRssMb: hookline.worker?.readyPeakRssMb,
  };
  return Object.fromEntries(
    Object.entries(figures).flatMap(([key, value]) =>
      value === null || value === undefined ? [] : [[key, round1(value)]],
    ),
  );
}
