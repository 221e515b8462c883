/**
 * Outbox: a service writes events into `@hookline/outbox` inside its own transactions, in its own
 * database, and a relay (in this process) publishes them into Hookline's API (its own process, on a
 * database of its own; no delivery worker, so what is measured ends when Hookline has stored an event).
 *
 *   1. enqueue: 8 writers commit transactions of one ~1 KB order.created each for 5 s (× scale), the
 *      relay not yet running → rows/s; then the same with 100 events a transaction. Each phase
 *      stops early at 10,000 rows (× scale), which keeps the backlog of step 2 short.
 *   2. drain: the relay starts on that backlog → rows/s from its start until the outbox is empty.
 *   3. steady: 200 transactions/s of one event each for 10 s (× scale, at least 2 s) with the relay
 *      running → lag of each event = Hookline's `events.created_at` − the moment the enqueuing
 *      transaction's commit returned (same machine, same clock), p50/p90/p99.
 */
import { randomBytes } from 'node:crypto';
import { createOutboxTableSql, defineOutbox, startOutboxRelay, type OutboxEvent } from '@hookline/outbox';
import postgres from 'postgres';
import { orderCreated } from './lib/events';
import { startHookline } from './lib/hookline';
import { round1 } from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

/** Runs only when named in --only: it measures a companion package, not Hookline's own path. */
export const optIn = true;
export const name = 'outbox';
export const timeoutMs = 90_000;

const writers = 8;
const steadyRate = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const enqueueSeconds = Math.max(1, 5 * ctx.scale);
  const steadySeconds = Math.max(2, 10 * ctx.scale);
  const relayBatchSize = envInt('BENCH_OUTBOX_BATCH_SIZE', 100);
  // Bounds the backlog the relay drains next: at ≈1k rows/s drained, more would outlast the run's budget.
  const maxRowsPerPhase = ctx.scaled(10_000);
  const runId = `outbox-${randomBytes(4).toString('hex')}`;
  const rss = ctx.startRssSampler();

  const outbox = defineOutbox();
  const callerUrl = await ctx.createDatabase('caller');
  const caller = postgres(callerUrl, { max: writers, onnotice: () => {} });
  await caller.unsafe(createOutboxTableSql(outbox.location));
  const hookline = await startHookline({
    databaseUrl: await ctx.createDatabase('hookline'),
    label: 'outbox',
    log: ctx.log,
    signal: ctx.signal,
  });
  let relay: Awaited<ReturnType<typeof startOutboxRelay>> | null = null;
  try {
    const appId = await hookline.rest.createApplication('bench outbox');
    // The service's own key, limited to its application, as a deployment would give it.
    const { key } = await hookline.rest.request<{ key: string }>('POST', '/api-keys', { appId, name: 'outbox' });
    let index = 0;
    // The bench's ~1 KB order, typed loosely there; its shape is order.created 1.0's.
    const nextEvent = (): OutboxEvent => {
      const { type, version, data } = orderCreated(index++, runId);
      return { appId, type, version, data } as OutboxEvent;
    };

    // 1. Enqueue throughput, one event a transaction and then 100.
    const enqueueRate = async (perTransaction: number) => {
      const deadline = performance.now() + enqueueSeconds * 1000;
      let rows = 0;
      const startedAt = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (performance.now() < deadline && rows < maxRowsPerPhase) {
            ctx.signal.throwIfAborted();
            const events = Array.from({ length: perTransaction }, nextEvent);
            await caller.begin((tx) => outbox.enqueueMany(tx, events));
            rows += perTransaction;
          }
        }),
      );
      return { rows, perSec: rows / ((performance.now() - startedAt) / 1000) };
    };
    const single = await enqueueRate(1);
    ctx.log(`enqueue, 1 event a transaction: ${single.perSec.toFixed(0)} rows/s`);
    const batched = await enqueueRate(100);
    ctx.log(`enqueue, 100 events a transaction: ${batched.perSec.toFixed(0)} rows/s`);

    // 2. Drain the backlog.
    const backlog = single.rows + batched.rows;
    const drainStartedAt = performance.now();
    relay = await startOutboxRelay({
      // A pool of its own, as a relay process would have.
      database: callerUrl,
      hookline: { url: hookline.url, apiKey: key },
      outbox: outbox.location,
      batchSize: relayBatchSize,
    });
    for (;;) {
      ctx.signal.throwIfAborted();
      const [row] = await caller`select count(*)::int as n from hookline_outbox`;
      if (row!.n === 0) break;
      await sleep(20);
    }
    const drainPerSec = backlog / ((performance.now() - drainStartedAt) / 1000);
    ctx.log(`relay drained ${backlog} rows: ${drainPerSec.toFixed(0)} rows/s`);

    // 3. Lag at a steady rate: commit → stored in Hookline.
    const committedAt = new Map<string, number>();
    const total = Math.round(steadyRate * steadySeconds);
    const steadyStartedAt = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      ctx.signal.throwIfAborted();
      const due = steadyStartedAt + (i * 1000) / steadyRate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(
        caller.begin((tx) => outbox.enqueue(tx, nextEvent())).then((id) => void committedAt.set(id, Date.now())),
      );
    }
    await Promise.all(inFlight);
    const ids = [...committedAt.keys()];
    let stored: { key: string; at: Date }[] = [];
    for (;;) {
      ctx.signal.throwIfAborted();
      stored = await hookline.sql<{ key: string; at: Date }[]>`
        select idempotency_key as key, created_at as at from events where idempotency_key = any(${ids})`;
      if (stored.length === ids.length) break;
      await sleep(50);
    }
    const lags = stored.map((s) => s.at.getTime() - committedAt.get(s.key)!);
    const lagAt = (p: number) => round1(ctx.percentile(lags, p));
    const stats = relay.stats();
    const [counts] = await hookline.sql<{ events: number; keys: number }[]>`
      select count(*)::int as events, count(distinct idempotency_key)::int as keys from events where app_id = ${appId}`;
    if (counts!.events !== backlog + total || counts!.keys !== counts!.events || stats.failed !== 0) {
      throw new Error(`Hookline stored ${counts!.events} events (${counts!.keys} keys) of ${backlog + total}`);
    }

    return {
      eventsPerSec: round1(drainPerSec),
      p50Ms: lagAt(50),
      p90Ms: lagAt(90),
      p99Ms: lagAt(99),
      peakRssMb: rss.stop(),
      compareToCeiling: false,
      note: `enqueue ${single.perSec.toFixed(0)} rows/s (1/tx), ${batched.perSec.toFixed(0)} (100/tx); relay ${drainPerSec.toFixed(0)} rows/s; lag at ${steadyRate}/s`,
      details: {
        enqueueSingleRowsPerSec: round1(single.perSec),
        enqueueBatchedRowsPerSec: round1(batched.perSec),
        relayDrainRowsPerSec: round1(drainPerSec),
        backlogRows: backlog,
        steadyRatePerSec: steadyRate,
        steadyEvents: total,
        relayBatchSize,
        writers,
        duplicates: stats.duplicates,
      },
    };
  } finally {
    await relay?.stop().catch(() => {});
    await hookline.stop().catch((error: unknown) => ctx.log(`hookline did not stop cleanly: ${String(error)}`));
    await caller.end({ timeout: 5 });
  }
}
