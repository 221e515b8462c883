import { createDatabase, isDatabaseUnavailable, migrate } from '@hookline/db';
import type { Log } from '@hookline/log';
import { createMetrics, createReadiness, startStatusServer, type Metrics } from '@hookline/monitoring';
import { createEgressPolicy, type ResolveHost } from '@hookline/egress';
import {
  createQueueClient,
  defaultDeliveryQueueSettings,
  deliveryQueue,
  ensureOperatorApp,
  ensureQueues,
  maintenanceIntervalFor,
  queueRetentionSettings,
  type DeliveryQueueSettings,
} from '@hookline/pipeline';
import type { EncryptionKey } from '@hookline/signing-keys';
import { createBatchHandler } from './deliver-batch';
import { startHousekeeping } from './housekeeping';
import { createHttpSender, type SendWebhook } from './http-sender';
import { defaultRetryPolicy } from './retry-policy';

export type StartDeliveryOptions = {
  databaseUrl: string;
  log: Log;
  requestTimeoutMs?: number;
  responseBodyLimitBytes?: number;
  /** The default schedule, for endpoints without one of their own. */
  retrySchedule?: readonly number[];
  /** 429 answers and timeouts wait at least this long, in seconds. */
  minThrottleDelaySeconds?: number;
  /** An endpoint that has done nothing but fail this long is disabled. */
  endpointDisableAfterDays?: number;
  /** The application that receives operational events; null sends none. */
  operatorAppId?: string | null;
  batchSize?: number;
  /** The event payloads one batch holds in memory at once, in bytes of JSON text (see deliver-batch.ts). */
  batchPayloadBytes?: number;
  concurrency?: number;
  /** How often an idle worker looks for due retries, in seconds (NOTIFY wakes it for new jobs). */
  pollIntervalSeconds?: number;
  /** Opens endpoint signing keys; the same key the API sealed them with. */
  encryptionKey: EncryptionKey;
  /**
   * Non-public CIDR blocks webhooks may be sent to. Empty (the default) refuses loopback, private,
   * link-local and metadata addresses; `npm start` in development passes loopback.
   */
  allowedCidrs?: readonly string[];
  /** Replaces DNS (tests). */
  resolveHost?: ResolveHost;
  /** Crash-recovery settings of the delivery queue; this worker applies them to the queue. */
  queue?: Partial<DeliveryQueueSettings>;
  /** How often lost jobs (expired, heartbeat missed) are looked for, in seconds. */
  monitorIntervalSeconds?: number;
  /**
   * Events older than this are removed with their deliveries and attempts, in days (fractions allowed);
   * dead letters expire with them.
   */
  retentionDays?: number;
  /** How often pending deliveries without a live job are looked for and enqueued again, in seconds. */
  reconcileSeconds?: number;
  /** Replaces the HTTP transport (tests). */
  send?: SendWebhook;
  /** Replaces this worker's clock (tests: a worker whose clock is off from the database's). */
  now?: () => Date;
  random?: () => number;
  /** Where this worker's metrics go (the all-in-one process shares the API's). Created (on) when not given. */
  metrics?: Metrics;
  /** The worker's own /health, /ready and /metrics server; none when not given (port 0 picks a free one). */
  statusServer?: { host: string; port: number } | null;
};

export type RunningDelivery = {
  /** Where /health, /ready and /metrics answer; null without a status server. */
  statusUrl: string | null;
  stop: () => Promise<void>;
};

const dayMs = 24 * 3600 * 1000;

/** Starts the worker: it takes delivery jobs until `stop()`, which lets in-flight batches finish. */
export async function startDelivery(options: StartDeliveryOptions): Promise<RunningDelivery> {
  const {
    databaseUrl,
    log,
    requestTimeoutMs = 15_000,
    responseBodyLimitBytes = 16 * 1024,
    retrySchedule = defaultRetryPolicy.schedule,
    minThrottleDelaySeconds = defaultRetryPolicy.minThrottleDelaySeconds,
    endpointDisableAfterDays = 5,
    operatorAppId = null,
    batchSize = 200,
    batchPayloadBytes = 4 * 1024 * 1024,
    concurrency = 2,
    pollIntervalSeconds = 1,
    monitorIntervalSeconds,
    retentionDays = 30,
    reconcileSeconds = 60,
  } = options;
  const retentionSeconds = retentionDays * 24 * 3600;
  const queueSettings = {
    ...defaultDeliveryQueueSettings,
    ...queueRetentionSettings(retentionSeconds),
    ...options.queue,
  };
  const metrics = options.metrics ?? createMetrics();

  await migrate(databaseUrl);
  const { db, close, availability } = createDatabase(databaseUrl, {
    max: concurrency * 2 + 2,
    applicationName: 'hookline-delivery',
    log,
    label: 'delivery',
  });
  await ensureOperatorApp(db, operatorAppId);
  const boss = createQueueClient({
    connectionString: databaseUrl,
    max: concurrency * 2 + 4,
    applicationName: 'hookline-delivery-queue',
    monitorIntervalSeconds,
    maintenanceIntervalSeconds: maintenanceIntervalFor(retentionSeconds),
    // During an outage pg-boss fails every poll of every queue; the pool's availability watch says
    // so in two lines (unreachable, then back with the duration) instead of one line per failure.
    onError: (error) =>
      isDatabaseUnavailable(error) ? availability.report(error) : log.error('queue error', { error: error.message }),
  });
  await boss.start();
  await ensureQueues(boss, { settings: queueSettings, update: true });

  const sender = options.send
    ? null
    : createHttpSender({
        timeoutMs: requestTimeoutMs,
        maxResponseBytes: responseBodyLimitBytes,
        egress: createEgressPolicy({ allowedCidrs: options.allowedCidrs }),
        resolveHost: options.resolveHost,
      });
  const handler = createBatchHandler({
    db,
    boss,
    log,
    encryptionKey: options.encryptionKey,
    send: options.send ?? sender!.send,
    policy: { ...defaultRetryPolicy, schedule: retrySchedule, minThrottleDelaySeconds },
    health: { disableAfterMs: endpointDisableAfterDays * dayMs },
    operatorAppId,
    requestTimeoutMs,
    payloadBudgetBytes: batchPayloadBytes,
    metrics,
    now: options.now,
    random: options.random,
  });

  await boss.work(
    deliveryQueue,
    {
      batchSize,
      perJobResults: true,
      localConcurrency: concurrency,
      // While batches come back full there is a backlog: fetch again at once instead of sleeping.
      burstWhenBatchFull: true,
      pollingIntervalSeconds: pollIntervalSeconds,
      notifyPollingIntervalSeconds: pollIntervalSeconds,
    },
    handler,
  );
  let queueRunning = true;
  const status = options.statusServer
    ? await startStatusServer({
        ...options.statusServer,
        metrics,
        readiness: createReadiness({ db, queueRunning: () => queueRunning }),
      })
    : null;

  const housekeeping = startHousekeeping({
    db,
    boss,
    log,
    metrics,
    settings: {
      retentionSeconds,
      reconcileSeconds,
      deadLetterRetentionSeconds: queueSettings.deadLetterRetentionSeconds,
    },
  });

  // Drains: pg-boss stops fetching at once, waits for the batches in flight (each bounded by the
  // request timeout, plus time to record them), then fails whatever is still running so another
  // worker takes it. Then the pools close. Calling it twice waits for the same drain.
  let stopping: Promise<void> | null = null;
  const stop = async () => {
    queueRunning = false;
    await housekeeping.stop();
    await boss.stop({ graceful: true, timeout: requestTimeoutMs + 5_000 });
    // boss.stop closed pg-boss's pool; detached attempts record through ours, still open.
    await handler.drain();
    await sender?.close();
    await close();
    // Last: /health answers while the worker drains, /ready says it is stopping.
    await status?.close();
  };
  return { statusUrl: status?.url ?? null, stop: () => (stopping ??= stop()) };
}
