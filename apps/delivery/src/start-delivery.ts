import { createDatabase, migrate } from '@hookline/db';
import type { Log } from '@hookline/log';
import { createEgressPolicy, type ResolveHost } from '@hookline/egress';
import {
  createQueueClient,
  defaultDeliveryQueueSettings,
  deliveryQueue,
  ensureOperatorApp,
  ensureQueues,
  type DeliveryQueueSettings,
} from '@hookline/pipeline';
import type { EncryptionKey } from '@hookline/signing-keys';
import { createBatchHandler } from './deliver-batch';
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
  concurrency?: number;
  /** Requests left running past their batch an endpoint may have before its jobs are deferred. */
  maxSlowRequestsPerEndpoint?: number;
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
  /** Replaces the HTTP transport (tests). */
  send?: SendWebhook;
  random?: () => number;
};

export type RunningDelivery = { stop: () => Promise<void> };

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
    concurrency = 2,
    maxSlowRequestsPerEndpoint = 10,
    pollIntervalSeconds = 1,
    monitorIntervalSeconds,
  } = options;
  const queueSettings = { ...defaultDeliveryQueueSettings, ...options.queue };

  await migrate(databaseUrl);
  const { db, close } = createDatabase(databaseUrl, { max: concurrency * 2 + 2, applicationName: 'hookline-delivery' });
  await ensureOperatorApp(db, operatorAppId);
  const boss = createQueueClient({
    connectionString: databaseUrl,
    max: concurrency * 2 + 4,
    applicationName: 'hookline-delivery-queue',
    monitorIntervalSeconds,
    onError: (error) => log.error('queue error', { error: error.message }),
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
    maxSlowRequestsPerEndpoint,
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

  // Drains: pg-boss stops fetching at once, waits for the batches in flight (each bounded by the
  // request timeout, plus time to record them), then fails whatever is still running so another
  // worker takes it. Then the pools close. Calling it twice waits for the same drain.
  let stopping: Promise<void> | null = null;
  const stop = async () => {
    await boss.stop({ graceful: true, timeout: requestTimeoutMs + 5_000 });
    // boss.stop closed pg-boss's pool; detached attempts record through ours, still open.
    await handler.drain();
    await sender?.close();
    await close();
  };
  return { stop: () => (stopping ??= stop()) };
}
