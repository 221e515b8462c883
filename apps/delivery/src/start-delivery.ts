import { createDatabase, migrate } from '@hookline/db';
import type { Log } from '@hookline/log';
import { createEgressPolicy, type ResolveHost } from '@hookline/egress';
import { createQueueClient, deliveryQueue, ensureQueues } from '@hookline/queue';
import type { EncryptionKey } from '@hookline/signing-keys';
import { createBatchHandler } from './deliver-batch';
import { createHttpSender, type SendWebhook } from './http-sender';
import { defaultRetrySchedule } from './retry-policy';

export type StartDeliveryOptions = {
  databaseUrl: string;
  log: Log;
  requestTimeoutMs?: number;
  responseBodyLimitBytes?: number;
  retrySchedule?: readonly number[];
  batchSize?: number;
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
  /** Replaces the HTTP transport (tests). */
  send?: SendWebhook;
};

export type RunningDelivery = { stop: () => Promise<void> };

/** Starts the worker: it takes delivery jobs until `stop()`, which lets in-flight batches finish. */
export async function startDelivery(options: StartDeliveryOptions): Promise<RunningDelivery> {
  const {
    databaseUrl,
    log,
    requestTimeoutMs = 15_000,
    responseBodyLimitBytes = 16 * 1024,
    retrySchedule = defaultRetrySchedule,
    batchSize = 100,
    concurrency = 4,
    pollIntervalSeconds = 1,
  } = options;

  await migrate(databaseUrl);
  const { db, close } = createDatabase(databaseUrl, { max: concurrency * 2 + 2 });
  const boss = createQueueClient({
    connectionString: databaseUrl,
    max: concurrency * 2 + 4,
    onError: (error) => log('queue error', { error: error.message }),
  });
  await boss.start();
  await ensureQueues(boss);

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
    defaultRetrySchedule: retrySchedule,
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

  return {
    stop: async () => {
      // graceful: stop fetching, wait for in-flight batches (bounded), then close.
      await boss.stop({ graceful: true, timeout: requestTimeoutMs + 5_000 });
      await sender?.close();
      await close();
    },
  };
}
