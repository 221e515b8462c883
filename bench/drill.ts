/**
 * `npm run drill`: crash drills. Four failures are staged against Hookline as a deployment runs it
 * (the API and the delivery worker as separate processes) on an embedded PostgreSQL of the drill's
 * own, under publish load, and each drill checks that no accepted event was lost:
 *
 * 1. worker-kill: the worker is SIGKILLed five times while thousands of events are published;
 * 2. api-kill: the API is SIGKILLed three times while callers publish with idempotency keys and retry;
 * 3. postgres-stop: PostgreSQL is stopped with `pg_ctl -m immediate` for 8 s under publish load;
 * 4. flaky-receiver: the receiver fails 35 % of requests at random.
 *
 * Per drill it prints the events, the deliveries expected and received, the lost (must be 0) and
 * duplicated ones, the answer times of publishes made during the outage, and the time to drain.
 * Not part of `npm test`: it takes a few minutes. Exit code 0 when nothing was lost.
 */
import { randomBytes } from 'node:crypto';
import { createDatabaseIfMissing, databaseUrlFor } from '@hookline/db';
import { freePort } from '@hookline/db/free-port';
import postgres from 'postgres';
import { startCrashablePostgres } from './lib/crashable-postgres';
import { startDrillReceiver } from './lib/drill-receiver';
import { orderCreated } from './lib/events';
import { HttpError, RestClient, spawnChild, type HooklineChild } from './lib/hookline';
import { percentile } from './lib/stats';

const log = (message: string) => console.error(`[drill] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const never = new AbortController().signal;

type Receiver = Awaited<ReturnType<typeof startDrillReceiver>>;

/** The API and the worker of one drill, each restartable after a SIGKILL. */
class Deployment {
  api!: HooklineChild;
  worker!: HooklineChild;
  readonly url: string;
  readonly rest: RestClient;
  readonly #env: Record<string, string>;
  readonly #port: number;
  readonly #adminKey = `drill_${randomBytes(16).toString('hex')}`;

  constructor(
    readonly databaseUrl: string,
    port: number,
    readonly label: string,
  ) {
    this.#port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.rest = new RestClient(this.url, this.#adminKey, 64);
    this.#env = {
      DATABASE_URL: databaseUrl,
      HOOKLINE_ALLOWED_CIDRS: '127.0.0.0/8',
      NODE_ENV: 'production',
      HOOKLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // A SIGKILLed worker's jobs are noticed by their missed heartbeat (10 s) at the next monitor run.
      HOOKLINE_QUEUE_MONITOR_INTERVAL_SECONDS: '2',
    };
  }

  async startApi(): Promise<void> {
    this.api = spawnChild('api', 'apps/api/src/main.ts', this.label, {
      ...this.#env,
      PORT: String(this.#port),
      HOST: '127.0.0.1',
      HOOKLINE_ADMIN_KEY: this.#adminKey,
    });
    await this.api.waitForLine((line) => line.includes('"API listening'), 60_000, never);
  }

  async startWorker(): Promise<void> {
    this.worker = spawnChild('worker', 'apps/delivery/src/main.ts', this.label, this.#env);
    await this.worker.waitForLine((line) => line.includes('"delivery worker started"'), 60_000, never);
  }

  /** Log lines of both processes that report an error (`queue error`, `unexpected error`). */
  errorLines(): number {
    return this.api.errorLines + this.worker.errorLines;
  }

  async stop(): Promise<void> {
    await this.rest.close();
    for (const child of [this.worker, this.api]) await child?.stop(30_000);
  }
}

type Answer = { startedAt: number; ms: number; outcome: string };

/**
 * `count` events published by `concurrency` callers, each publish retried (same idempotency key)
 * until it is accepted, as the typed clients do. Returns the ids the API accepted; every answer,
 * failures included, goes to `answers`.
 */
async function publishAll(
  deployment: Deployment,
  appId: string,
  { count, concurrency, run, answers }: { count: number; concurrency: number; run: string; answers: Answer[] },
): Promise<Set<string>> {
  const ids = new Set<string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < count; index = next++) {
        const body = orderCreated(index, run);
        for (let attempt = 0; ; attempt++) {
          const startedAt = performance.now();
          try {
            const event = await deployment.rest.publish(appId, body);
            answers.push({ startedAt, ms: performance.now() - startedAt, outcome: 'accepted' });
            ids.add(event.id);
            break;
          } catch (error) {
            const outcome = error instanceof HttpError ? `HTTP ${error.status}` : 'no answer';
            answers.push({ startedAt, ms: performance.now() - startedAt, outcome });
            await sleep(Math.min(100 * 2 ** attempt, 1_000));
          }
        }
      }
    }),
  );
  return ids;
}

/** Waits until every id has been accepted by the receiver; returns how long that took, in ms. */
async function drain(receiver: Receiver, ids: Set<string>, timeoutMs: number): Promise<number | null> {
  const startedAt = performance.now();
  while (performance.now() - startedAt < timeoutMs) {
    if (receiver.accepted(ids)) return performance.now() - startedAt;
    await sleep(100);
  }
  return null;
}

type Window = { from: number; to: number };

type DrillResult = {
  drill: string;
  events: number;
  expectedDeliveries: number;
  received: number;
  lost: number;
  duplicates: number;
  /** Answers to publishes started while the failure lasted. */
  outage: { answers: number; outcomes: Record<string, number>; p50Ms: number; p99Ms: number; maxMs: number } | null;
  drainSeconds: number | null;
  errorLogLines: number;
  storedEvents: number;
};

function outageAnswers(answers: Answer[], windows: Window[]): DrillResult['outage'] {
  const during = answers.filter((a) => windows.some((w) => a.startedAt >= w.from && a.startedAt <= w.to));
  if (during.length === 0) return null;
  const times = during.map((a) => a.ms);
  const outcomes: Record<string, number> = {};
  for (const a of during) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
  return {
    answers: during.length,
    outcomes,
    p50Ms: Math.round(percentile(times, 50)),
    p99Ms: Math.round(percentile(times, 99)),
    maxMs: Math.round(Math.max(...times)),
  };
}

type Drill = {
  name: string;
  events: number;
  /** Stages the failure while `load` publishes; returns the windows the failure lasted. */
  stage: (
    deployment: Deployment,
    receiver: Receiver,
    load: Promise<unknown>,
    crashPostgres: CrashPostgres,
  ) => Promise<Window[]>;
  failRatio?: number;
};

type CrashPostgres = { crash: () => void; restart: () => Promise<void> };

const drills: Drill[] = [
  {
    name: 'worker-kill',
    events: 4_000,
    stage: async (deployment) => {
      for (let kill = 0; kill < 5; kill++) {
        await sleep(2_000);
        deployment.worker.kill();
        await deployment.startWorker();
      }
      return [];
    },
  },
  {
    name: 'api-kill',
    events: 3_000,
    stage: async (deployment) => {
      const windows: Window[] = [];
      for (let kill = 0; kill < 3; kill++) {
        await sleep(2_000);
        const from = performance.now();
        deployment.api.kill();
        await deployment.startApi();
        windows.push({ from, to: performance.now() });
      }
      return windows;
    },
  },
  {
    name: 'postgres-stop',
    events: 4_000,
    stage: async (_deployment, _receiver, _load, postgresServer) => {
      await sleep(2_000);
      const from = performance.now();
      postgresServer.crash();
      await sleep(8_000);
      await postgresServer.restart();
      return [{ from, to: performance.now() }];
    },
  },
  { name: 'flaky-receiver', events: 2_000, failRatio: 0.35, stage: async () => [] },
];

async function runDrill(
  drill: Drill,
  adminUrl: string,
  receiver: Receiver,
  crashPostgres: CrashPostgres,
): Promise<DrillResult> {
  const name = `hookline_drill_${drill.name.replace('-', '_')}`;
  await createDatabaseIfMissing(adminUrl, name);
  const deployment = new Deployment(databaseUrlFor(adminUrl, name), await freePort(), drill.name);
  receiver.reset();
  receiver.setFailRatio(drill.failRatio ?? 0);
  try {
    await deployment.startApi();
    await deployment.startWorker();
    const appId = await deployment.rest.createApplication(`drill ${drill.name}`);
    // Short retries, enough of them that a 35 % failure rate practically never exhausts them.
    await deployment.rest.createEndpoint(appId, { url: receiver.url, retrySchedule: Array(25).fill(0.2) });
    log(`${drill.name}: publishing ${drill.events} events`);
    const answers: Answer[] = [];
    const load = publishAll(deployment, appId, { count: drill.events, concurrency: 16, run: drill.name, answers });
    const windows = await drill.stage(deployment, receiver, load, crashPostgres);
    const ids = await load;
    log(`${drill.name}: all accepted; waiting for the deliveries`);
    const drainMs = await drain(receiver, ids, 150_000);
    // Late duplicates (a job handed out again after a kill) arrive after the last first delivery.
    await sleep(1_000);
    const sql = postgres(deployment.databaseUrl, { max: 1, onnotice: () => {} });
    const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from events`.finally(() =>
      sql.end({ timeout: 5 }),
    );
    const tally = receiver.tally(ids);
    return {
      drill: drill.name,
      events: ids.size,
      expectedDeliveries: ids.size,
      received: tally.received,
      lost: tally.lost,
      duplicates: tally.duplicates,
      outage: outageAnswers(answers, windows),
      drainSeconds: drainMs === null ? null : Number((drainMs / 1000).toFixed(1)),
      errorLogLines: deployment.errorLines(),
      storedEvents: stored!.n,
    };
  } finally {
    await deployment.stop().catch((error: unknown) => log(`${drill.name}: stopping: ${String(error)}`));
  }
}

function formatRow(r: DrillResult): string {
  const outage = r.outage
    ? `${r.outage.answers} answers (${Object.entries(r.outage.outcomes)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}), p50 ${r.outage.p50Ms} ms, p99 ${r.outage.p99Ms} ms, max ${r.outage.maxMs} ms`
    : '–';
  return `| ${r.drill} | ${r.events} | ${r.expectedDeliveries} | ${r.received} | ${r.lost} | ${r.duplicates} | ${outage} | ${r.drainSeconds ?? 'not drained'} s |`;
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  // --scale=0.1 publishes a tenth of the events (a quick check that the drill itself works).
  const scale = Number(
    process.argv
      .slice(2)
      .find((a) => a.startsWith('--scale='))
      ?.slice('--scale='.length) ?? 1,
  );
  const only = process.argv
    .slice(2)
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const postgresServer = await startCrashablePostgres(log);
  const receiver = await startDrillReceiver();
  const results: DrillResult[] = [];
  try {
    for (const drill of drills.filter((d) => !only || only.includes(d.name))) {
      const scaled = { ...drill, events: Math.max(100, Math.round(drill.events * scale)) };
      const result = await runDrill(scaled, postgresServer.url(), receiver, postgresServer);
      log(`${drill.name}: ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    await receiver.close();
    await postgresServer.stop();
  }
  console.log(
    '| drill | events | expected deliveries | received | lost | duplicates | publish answers during the outage | drain |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) console.log(formatRow(r));
  for (const r of results) console.log(JSON.stringify(r));
  console.log(`total ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
  return results.every((r) => r.lost === 0 && r.storedEvents === r.events) ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
process.exit();
