/**
 * Latency (a target in bench/README.md): a steady 5 % of the same run's ceiling (500/s without it) (open loop: a publish starts on schedule whether
 * or not earlier ones have answered) for 30 s (× scale, at least 3 s), one ~1 KB order.created
 * per single REST publish, one endpoint subscribed; API and worker as separate processes.
 *
 * Latency of an event = the receiver's receive time (its body read to the end) − the start of the
 * publish call that created it. Hookline sets its own headers, so nothing of ours can ride along:
 * the harness keeps the start time per event id (from the publish answer), the receiver records the
 * receive time per `webhook-id` header (Hookline sends the event id), and the two are matched. Both
 * clocks are `performance.timeOrigin + performance.now()`, on the same machine.
 */
import { randomBytes } from 'node:crypto';
import { orderCreated } from './lib/events';
import { startHookline, type Hookline } from './lib/hookline';
import {
  assertNoProcessErrors,
  footprint,
  round1,
  startHooklineCpu,
  waitForAttempts,
  workerSettings,
} from './lib/hookline-scenario';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'latency';
export const timeoutMs = 100_000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes allowed in flight (sent, not yet answered) before the pacer skips a scheduled one: two
 * seconds of the offered rate. An API that cannot keep up would otherwise build a backlog that
 * outlasts the run's time budget; skipped publishes are counted and reported instead.
 */
const backlogSeconds = 2;

interface Paced {
  /** Event id → publish start (epoch ms). */
  startedAt: Map<string, number>;
  /** Event id → when its publish call answered (epoch ms). */
  answeredAt: Map<string, number>;
  /** Each publish call's duration in ms. */
  callMs: number[];
  sent: number;
  /** Scheduled publishes not sent because `backlogSeconds` worth were already waiting. */
  skipped: number;
  /** Seconds from the first publish start to the last answer: the rate the API actually sustained. */
  answeredSeconds: number;
  maxInFlight: number;
  firstAt: number;
}

/**
 * Starts `rate × seconds` publishes on a fixed schedule (indexes from `firstIndex`), waits for all
 * of them to answer, and returns when each started and how long each took.
 */
async function pace(
  hookline: Hookline,
  appId: string,
  runId: string,
  rate: number,
  seconds: number,
  firstIndex: number,
  signal: AbortSignal,
): Promise<Paced> {
  const total = Math.round(rate * seconds);
  const maxInFlightAllowed = Math.max(1, Math.round(rate * backlogSeconds));
  const startedAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  const callMs: number[] = [];
  const pending = new Set<Promise<void>>();
  let failure: unknown = null;
  let maxInFlight = 0;
  let lastAnswer = 0;
  const fire = (index: number) => {
    const at = now();
    const call = hookline.rest.publish(appId, orderCreated(index, runId)).then(
      (result) => {
        lastAnswer = now();
        callMs.push(lastAnswer - at);
        startedAt.set(result.id, at);
        answeredAt.set(result.id, lastAnswer);
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = call.finally(() => pending.delete(tracked));
    pending.add(tracked);
    maxInFlight = Math.max(maxInFlight, pending.size);
  };

  const firstAt = now();
  const start = performance.now();
  let scheduled = 0;
  let sent = 0;
  let skipped = 0;
  while (scheduled < total && failure === null) {
    signal.throwIfAborted();
    // Every publish due by now, then yield: a late tick catches up rather than dropping events.
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (scheduled < due) {
      scheduled += 1;
      if (pending.size >= maxInFlightAllowed) skipped += 1;
      else fire(firstIndex + sent++);
    }
    // Until the next publish is due. (Waking every millisecond instead cost the harness 0.8–2 ms of CPU
    // per event at 40–180 events/s, CPU that Hookline's processes were then short of.)
    await sleep(Math.max(0, (scheduled / rate) * 1000 - (performance.now() - start)));
  }
  await Promise.all(pending);
  if (failure !== null) throw failure;
  return {
    startedAt,
    answeredAt,
    callMs,
    sent,
    skipped,
    answeredSeconds: (lastAnswer - firstAt) / 1000,
    maxInFlight,
    firstAt,
  };
}

/**
 * What the database says about events the receiver got more than once: their attempts and the
 * pg-boss jobs of their deliveries, so a duplicate can be traced to its cause.
 */
async function describeDuplicates(hookline: Hookline, eventIds: string[]): Promise<string> {
  const attempts = await hookline.sql<
    { event: string; number: number; rule: string; job: string | null; started: Date }[]
  >`
    select d.event_id as event, a.number, a.rule, a.job_id as job, a.started_at as started
      from attempts a join deliveries d on d.id = a.delivery_id
     where d.event_id = any(${eventIds}) order by d.event_id, a.number`;
  const jobs = await hookline.sql<{ event: string; id: string; state: string; retries: number; output: unknown }[]>`
    select d.event_id as event, j.id::text, j.state::text, j.retry_count as retries, j.output
      from pgboss.job j join deliveries d on d.id = j.data->>'deliveryId'
     where j.name = 'delivery' and d.event_id = any(${eventIds}) order by d.event_id, j.created_on`;
  return (
    `duplicated events' attempts: ${JSON.stringify(attempts)}; their jobs: ${JSON.stringify(jobs)}; ` +
    `worker log: ${hookline.worker?.tail(5) ?? ''}`
  );
}

const offeredShareOfCeiling = 0.05;

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  // 5 % of the same run's ceiling: a steady load well inside what the machine can do now, so the figure
  // is the latency of that load, not of a machine that (shared, or slower) could not keep up with a
  // fixed rate. Without the ceiling, 500/s, 5 % of a quiet run's.
  const rate = envInt(
    'BENCH_LATENCY_RATE',
    ctx.ceilingPerSec === null ? 500 : Math.max(10, Math.round(ctx.ceilingPerSec * offeredShareOfCeiling)),
  );
  const seconds = Math.max(3, envInt('BENCH_LATENCY_SECONDS', 30) * ctx.scale);
  const warmupSeconds = 2;
  const worker = workerSettings();
  const runId = `latency-${randomBytes(4).toString('hex')}`;
  ctx.log(`${rate} events/s for ${seconds} s (+${warmupSeconds} s warm-up), single publishes, one endpoint`);
  const databaseUrl = await ctx.createDatabase('latency');
  const hookline = await startHookline({
    databaseUrl,
    label: 'latency',
    worker,
    apiConnections: 64,
    log: ctx.log,
    signal: ctx.signal,
  });
  try {
    const appId = await hookline.rest.createApplication('bench latency');
    await hookline.rest.createEndpoint(appId, { url: `${ctx.receiver.url}/ok/latency` });

    const warm = await pace(hookline, appId, runId, rate, warmupSeconds, 0, ctx.signal);
    await ctx.receiver.waitForCount(warm.sent, ctx.signal);
    await ctx.receiver.reset({ recordWebhookIds: true });

    const cpu = await startHooklineCpu(ctx, hookline);
    const paced = await pace(hookline, appId, runId, rate, seconds, warm.sent, ctx.signal);
    // Everything published must arrive; 30 s is far beyond any latency worth reporting.
    const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(30_000)]);
    await ctx.receiver.waitForCount(paced.sent, deadline).catch((error: unknown) => {
      throw new Error(`not every event arrived within 30 s of the last publish: ${String(error)}`);
    });
    const cpuUsed = await cpu.stop();
    await cpuUsed.logStatements(paced.sent, 'delivery');
    const summary = await ctx.receiver.summary({ timings: true });
    await waitForAttempts(hookline, warm.sent + paced.sent, ctx.signal);

    // Match receive times to publish starts by event id; each event must arrive exactly once.
    const received = summary.webhookIds;
    if (!received) throw new Error('the receiver recorded no webhook-id timings');
    const latencies: number[] = [];
    // The part after the publish answered: the worker's pickup, the request, the receiver.
    const afterPublish: number[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    const duplicated: string[] = [];
    let strangers = 0;
    let lastReceivedAt = 0;
    received.ids.forEach((id, i) => {
      const startedAt = paced.startedAt.get(id);
      if (startedAt === undefined) return void (strangers += 1);
      if (seen.has(id)) {
        duplicated.push(id);
        return void (duplicates += 1);
      }
      seen.add(id);
      latencies.push(received.receivedAt[i]! - startedAt);
      afterPublish.push(received.receivedAt[i]! - paced.answeredAt.get(id)!);
      lastReceivedAt = Math.max(lastReceivedAt, received.receivedAt[i]!);
    });
    const [delivered] = await hookline.sql<
      { n: number }[]
    >`select count(*)::int as n from deliveries where status = 'delivered'`;
    if (seen.size !== paced.sent || duplicates > 0 || strangers > 0 || delivered!.n !== warm.sent + paced.sent) {
      throw new Error(
        `${seen.size}/${paced.sent} events received, ${duplicates} twice, ${strangers} unknown ids; ` +
          `${delivered!.n}/${warm.sent + paced.sent} deliveries delivered` +
          (duplicated.length > 0 ? `; ${await describeDuplicates(hookline, duplicated.slice(0, 3))}` : ''),
      );
    }
    assertNoProcessErrors(hookline);

    // What the API sustained: when it cannot keep up with the offered rate, publishes queue in the
    // harness's connection pool and their wait is part of the latency, as it would be for a producer.
    const achieved = paced.sent / paced.answeredSeconds;
    const fellBehind = achieved < rate * 0.95;
    const result: ScenarioResult = {
      eventsPerSec: achieved,
      deliveriesPerSec: paced.sent / ((lastReceivedAt - paced.firstAt) / 1000),
      compareToCeiling: false,
      p50Ms: ctx.percentile(latencies, 50),
      p90Ms: ctx.percentile(latencies, 90),
      p99Ms: ctx.percentile(latencies, 99),
      peakRssMb: hookline.worker?.peakRssMb() ?? Number.NaN,
      cpuMsPerDelivery: cpuUsed.totalMs / paced.sent,
      note:
        `${rate} ev/s offered for ${seconds} s, publish start → received; RSS = worker` +
        (fellBehind || paced.skipped > 0
          ? `; API fell behind (answered ${achieved.toFixed(0)}/s, ${paced.skipped} publishes skipped)`
          : ''),
      details: {
        offeredEventsPerSec: rate,
        seconds,
        events: paced.sent,
        skippedPublishes: paced.skipped,
        maxBacklogSeconds: backlogSeconds,
        maxLatencyMs: round1(Math.max(...latencies)),
        publishCallP50Ms: round1(ctx.percentile(paced.callMs, 50)),
        publishCallP99Ms: round1(ctx.percentile(paced.callMs, 99)),
        afterPublishP50Ms: round1(ctx.percentile(afterPublish, 50)),
        afterPublishP99Ms: round1(ctx.percentile(afterPublish, 99)),
        maxPublishesInFlight: paced.maxInFlight,
        workerBatchSize: worker.batchSize,
        workerConcurrency: worker.concurrency,
        ...cpuUsed.split(paced.sent, 'Delivery'),
        ...footprint(hookline),
      },
    };
    ctx.log(
      `${paced.sent} events at ${achieved.toFixed(0)}/s: p50 ${result.p50Ms!.toFixed(1)} ms, p90 ${result.p90Ms!.toFixed(1)} ms, ` +
        `p99 ${result.p99Ms!.toFixed(1)} ms (the publish call alone: p50 ${result.details!.publishCallP50Ms} ms; ` +
        `publish answered → received: p50 ${result.details!.afterPublishP50Ms} ms, p99 ${result.details!.afterPublishP99Ms} ms)`,
    );
    await hookline.stop();
    return result;
  } finally {
    await hookline.stop().catch((error: unknown) => ctx.log(`stopping Hookline: ${String(error)}`));
    // Later scenarios do not want the receiver holding on to ids.
    await ctx.receiver.reset().catch(() => {});
  }
}
