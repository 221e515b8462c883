/**
 * The machine's ceiling: the least a webhook sender on pg-boss must do per delivery, with none of
 * Hookline's code. A backlog of jobs is inserted while a worker drains it: fetch a batch, sign each
 * body, POST it, record one attempt row per delivery in one multi-row INSERT, complete the jobs.
 * Any real pipeline does at least this much, so its ratio to this figure says what its extras cost.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { PgBoss, type Job, type JobResult } from 'pg-boss';
import { Pool } from 'undici';
import { envInt } from './lib/options';
import type { BenchContext, ScenarioResult } from './lib/types';

export const name = 'ceiling';
export const timeoutMs = 120_000;

const schema = 'bench_ceiling';
const queue = 'ceiling';
const insertBatchSize = 1_000;

interface DeliveryData {
  deliveryId: string;
  body: string;
}

/** Worker settings; the defaults are the fastest measured on the 2-core reference machine (bench/README.md). */
function settings(ctx: BenchContext) {
  return {
    jobs: ctx.scaled(envInt('BENCH_CEILING_JOBS', 20_000), insertBatchSize),
    // Untimed first pass: opens the HTTP and database connections and warms the JIT, so the timed
    // pass measures the steady state rather than start-up.
    warmupJobs: ctx.scaled(envInt('BENCH_CEILING_WARMUP_JOBS', 1_000), 0),
    batchSize: envInt('BENCH_CEILING_BATCH_SIZE', 200),
    localConcurrency: envInt('BENCH_CEILING_CONCURRENCY', 4),
    connections: envInt('BENCH_CEILING_CONNECTIONS', 64),
    poolMax: envInt('BENCH_CEILING_POOL_MAX', 10),
  };
}

export async function run(ctx: BenchContext): Promise<ScenarioResult> {
  const s = settings(ctx);
  ctx.log(
    `${s.jobs} jobs (+${s.warmupJobs} warm-up), batchSize ${s.batchSize}, localConcurrency ${s.localConcurrency}, ` +
      `${s.connections} HTTP connections, pg pool ${s.poolMax}`,
  );
  const rss = ctx.startRssSampler();
  const boss = new PgBoss({
    connectionString: ctx.databaseUrl,
    schema,
    max: s.poolMax,
    useListenNotify: true,
    // Cron and maintenance have nothing to do in a run this short; their start-up queries are noise.
    schedule: false,
    supervise: false,
  });
  const bossErrors: Error[] = [];
  // An unhandled 'error' event would kill the process; keep the first few for the report.
  boss.on('error', (error: Error) => {
    if (bossErrors.push(error) <= 3) ctx.log(`pg-boss error: ${error.message}`);
  });
  const pool = new Pool(ctx.receiver.url, { connections: s.connections, keepAliveTimeout: 60_000 });
  const secret = randomBytes(32);
  const deliverUrl = new URL('/ok', ctx.receiver.url);

  // Attempt rows recorded, and who waits for a count of them.
  let recorded = 0;
  let waiter: { count: number; resolve: (at: number) => void } | undefined;
  const untilRecorded = (count: number) =>
    new Promise<number>((resolve, reject) => {
      if (recorded >= count) return resolve(performance.now());
      waiter = { count, resolve };
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
    });

  const attemptTable = `${schema}.bench_attempt`;
  const recordAttempts = `insert into ${attemptTable} (id, job_id, status, duration_ms)
    select * from unnest($1::text[], $2::uuid[], $3::int[], $4::real[])`;

  async function deliver(job: Job<DeliveryData>, timestamp: string) {
    const { deliveryId, body } = job.data;
    const signature = createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`).digest('base64');
    const startedAt = performance.now();
    try {
      const response = await pool.request({
        path: deliverUrl.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': deliveryId,
          'webhook-timestamp': timestamp,
          'webhook-signature': `v1,${signature}`,
        },
        body,
        signal: job.signal,
      });
      await response.body.dump();
      return { status: response.statusCode, durationMs: performance.now() - startedAt };
    } catch {
      return { status: 0, durationMs: performance.now() - startedAt };
    }
  }

  async function handle(jobs: Job<DeliveryData>[]): Promise<JobResult[]> {
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const outcomes = await Promise.all(jobs.map((job) => deliver(job, timestamp)));
    await boss
      .getDb()
      .executeSql(recordAttempts, [
        jobs.map(() => randomUUID()),
        jobs.map((job) => job.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.durationMs),
      ]);
    recorded += jobs.length;
    if (waiter && recorded >= waiter.count) {
      waiter.resolve(performance.now());
      waiter = undefined;
    }
    return jobs.map((job, i) => ({
      id: job.id,
      status: outcomes[i]!.status >= 200 && outcomes[i]!.status < 300 ? 'completed' : 'failed',
    }));
  }

  async function insertJobs(count: number, firstIndex: number): Promise<void> {
    for (let offset = 0; offset < count; offset += insertBatchSize) {
      const size = Math.min(insertBatchSize, count - offset);
      const jobs = Array.from({ length: size }, (_, i) => ({
        data: { deliveryId: `msg_${randomUUID()}`, body: eventBody(firstIndex + offset + i) } satisfies DeliveryData,
      }));
      await boss.insert(queue, jobs);
      ctx.signal.throwIfAborted();
    }
  }

  try {
    await boss.start();
    // A table of its own (partition) avoids the shared table's stale-statistics trap; notify wakes
    // the worker on insert instead of at its next poll.
    await boss.createQueue(queue, { partition: true, notify: true });
    await boss
      .getDb()
      .executeSql(
        `create table ${attemptTable} (id text, job_id uuid, status int, duration_ms real, created_at timestamptz default now())`,
      );
    await boss.work<DeliveryData>(
      queue,
      {
        batchSize: s.batchSize,
        localConcurrency: s.localConcurrency,
        perJobResults: true,
        // Keep fetching while batches come back full instead of waiting for the next poll.
        burstWhenBatchFull: true,
      },
      handle,
    );

    if (s.warmupJobs > 0) {
      await insertJobs(s.warmupJobs, 0);
      await untilRecorded(s.warmupJobs);
      await ctx.receiver.reset();
    }

    const cpu = await ctx.startCpuMeter();
    const startedAt = performance.now();
    await insertJobs(s.jobs, s.warmupJobs);
    const insertedAt = performance.now();
    const finishedAt = await untilRecorded(s.warmupJobs + s.jobs);
    const seconds = (finishedAt - startedAt) / 1000;

    // Let the last batches settle before checking that every job went all the way through.
    await boss.offWork(queue, { wait: true });
    const cpuUsed = await cpu.stop();
    const [{ rows: attempts }, { rows: jobStates }, received] = await Promise.all([
      boss.getDb().executeSql(`select status, count(*)::int as n from ${attemptTable} group by status`),
      boss
        .getDb()
        .executeSql(`select state, count(*)::int as n from ${schema}.job where name = $1 group by state`, [queue]),
      ctx.receiver.summary(),
    ]);
    const count = (rows: { n: number }[], match: (row: Record<string, unknown>) => boolean) =>
      rows.filter(match).reduce((sum, row) => sum + row.n, 0);
    const total = s.warmupJobs + s.jobs;
    const ok = count(attempts, (r) => r.status === 204);
    const completed = count(jobStates, (r) => r.state === 'completed');
    if (ok !== total || completed !== total || received.count !== s.jobs) {
      throw new Error(
        `incomplete run: ${ok}/${total} attempts answered 204, ${completed}/${total} jobs completed, ` +
          `${received.count}/${s.jobs} requests received`,
      );
    }
    if (bossErrors.length > 0)
      throw new Error(`pg-boss reported ${bossErrors.length} errors: ${bossErrors[0]!.message}`);

    const deliveriesPerSec = s.jobs / seconds;
    ctx.log(
      `${s.jobs} deliveries in ${seconds.toFixed(2)} s: ${deliveriesPerSec.toFixed(0)}/s ` +
        `(inserting took ${((insertedAt - startedAt) / 1000).toFixed(2)} s)`,
    );
    return {
      deliveriesPerSec,
      peakRssMb: rss.stop(),
      cpuMsPerDelivery: cpuUsed.totalMs / s.jobs,
      details: {
        harnessCpuMsPerDelivery: round3(cpuUsed.harnessMs / s.jobs),
        receiverCpuMsPerDelivery: round3(cpuUsed.receiverMs / s.jobs),
        ...(cpuUsed.databaseMs === null ? {} : { databaseCpuMsPerDelivery: round3(cpuUsed.databaseMs / s.jobs) }),
        jobs: s.jobs,
        seconds: round3(seconds),
        insertSeconds: round3((insertedAt - startedAt) / 1000),
        batchSize: s.batchSize,
        localConcurrency: s.localConcurrency,
        connections: s.connections,
        poolMax: s.poolMax,
      },
    };
  } finally {
    rss.stop();
    await boss
      .stop({ graceful: !ctx.signal.aborted, timeout: 5_000 })
      .catch((error: unknown) => ctx.log(`pg-boss stop: ${String(error)}`));
    await pool.close().catch(() => {});
  }
}

const round3 = (value: number) => Number(value.toFixed(3));

/** A ~1 KB event, like a typical webhook payload; the index keeps bodies distinct. */
function eventBody(index: number): string {
  return JSON.stringify({
    type: 'invoice.paid',
    id: `evt_${index.toString().padStart(10, '0')}`,
    created: 1_767_225_600 + index,
    data: {
      object: {
        id: `in_${index.toString(36).padStart(8, '0')}`,
        customer: `cus_${(index % 997).toString(36).padStart(6, '0')}`,
        currency: 'eur',
        amountDue: 1999 + (index % 100),
        status: 'paid',
        hostedInvoiceUrl: `https://billing.example.com/invoices/in_${index.toString(36).padStart(8, '0')}`,
        lines: Array.from({ length: 4 }, (_, line) => ({
          id: `il_${index}_${line}`,
          description: 'Hookline benchmark line item with a realistic amount of text',
          amount: 499 + line,
          quantity: 1 + line,
          period: { start: 1_767_225_600, end: 1_769_904_000 },
        })),
        metadata: { orderId: `ord_${index}`, channel: 'web', region: 'eu-west' },
      },
    },
  });
}
