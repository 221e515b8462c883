import { PgBoss } from 'pg-boss';
import { deadLetterQueue, deliveryQueue, queueSchema } from './names';

/**
 * How the delivery queue treats a job whose worker vanished, in seconds. The webhook retry schedule
 * is not here: it is Hookline's own and enqueues a fresh job per attempt; these only cover a worker
 * that died, hung or overran.
 */
export type DeliveryQueueSettings = {
  /**
   * A batch still active after this long is presumed lost with its worker and handed out again. It
   * must exceed the longest request (HOOKLINE_REQUEST_TIMEOUT_MS) plus the time to record it, and it
   * bounds crash recovery when heartbeats are off.
   */
  expireInSeconds: number;
  /**
   * With a heartbeat, a job whose worker stopped touching it for this long is handed out again,
   * however long its expiry: crash recovery no longer waits for the longest request. pg-boss
   * refuses less than 10. Null turns heartbeats off.
   */
  heartbeatSeconds: number | null;
  /** After this many losses of the same job it is dead-lettered (a job that kills its worker). */
  retryLimit: number;
  /** A lost job waits this long before another worker may take it. */
  retryDelay: number;
  /** Completed jobs are kept this long for inspection; Hookline's attempts table is the lasting record. */
  deleteAfterSeconds: number;
  /** Dead letters wait this long for an operator before pg-boss deletes them. */
  deadLetterRetentionSeconds: number;
};

export const defaultDeliveryQueueSettings: DeliveryQueueSettings = {
  // 15 s default request timeout, several batches of requests queued on one origin's connections,
  // then the recording transaction.
  expireInSeconds: 60,
  // Measured with test/crash-recovery.test.ts's load (monitor every 1 s): with a 10 s heartbeat every
  // event of a killed worker arrived 12 s after the kill, against 62.5 s when only the 60 s expiry
  // notices. A heartbeat costs one UPDATE per batch every 5 s.
  heartbeatSeconds: 10,
  retryLimit: 5,
  retryDelay: 1,
  deleteAfterSeconds: 24 * 3600,
  deadLetterRetentionSeconds: 30 * 24 * 3600,
};

export type QueueClient = PgBoss;

/** How long pg-boss's pool may take to hand out or open a connection, in ms. */
export const queueConnectionTimeoutMs = 2_000;

/**
 * A pg-boss instance configured the way every Hookline process needs it: LISTEN/NOTIFY so a
 * published event wakes a worker at once instead of at the next poll.
 */
export function createQueueClient({
  connectionString,
  max = 10,
  onError,
  applicationName,
  monitorIntervalSeconds = 30,
}: {
  connectionString: string;
  max?: number;
  onError: (error: Error) => void;
  /** Shows in pg_stat_activity, so an operator (or a test) can tell whose connections are whose. */
  applicationName?: string;
  /**
   * How often this process looks for jobs whose worker was lost (expired or heartbeat missed). A
   * lost job waits up to this long on top of its expiry or heartbeat; pg-boss's default is 60 s.
   */
  monitorIntervalSeconds?: number;
}): PgBoss {
  const boss = new PgBoss({
    connectionString,
    schema: queueSchema,
    max,
    useListenNotify: true,
    application_name: applicationName,
    // Waiting for a pool connection and opening one fail after this long (pg-boss waits 10 s), so a
    // poll during an outage fails fast and the next one tries again.
    connectionTimeoutMillis: queueConnectionTimeoutMs,
    superviseIntervalSeconds: monitorIntervalSeconds,
    monitorIntervalSeconds,
  });
  // An unhandled 'error' event would kill the process; pg-boss reconnects by itself.
  boss.on('error', onError);
  return boss;
}

/**
 * Creates the queues when they are missing. With `update`, also brings existing ones to `settings`:
 * the delivery worker owns the queue's settings and passes it; the API only needs the queues to exist,
 * so a restarted API never undoes what the worker was configured with.
 *
 * Settings apply to jobs inserted afterwards: pg-boss copies expiry and heartbeat onto each job.
 */
export async function ensureQueues(
  boss: PgBoss,
  {
    settings = defaultDeliveryQueueSettings,
    update = false,
  }: { settings?: DeliveryQueueSettings; update?: boolean } = {},
): Promise<void> {
  const s = settings;
  // The dead-letter queue must exist before a queue that names it.
  const deadLetterOptions = { retentionSeconds: s.deadLetterRetentionSeconds, retryLimit: 0 };
  if (!(await boss.getQueue(deadLetterQueue))) await boss.createQueue(deadLetterQueue, deadLetterOptions);
  else if (update) await boss.updateQueue(deadLetterQueue, deadLetterOptions);

  const options = {
    expireInSeconds: s.expireInSeconds,
    retryLimit: s.retryLimit,
    retryDelay: s.retryDelay,
    deleteAfterSeconds: s.deleteAfterSeconds,
    notify: true,
    deadLetter: deadLetterQueue,
  };
  if (!(await boss.getQueue(deliveryQueue))) {
    // A table of its own: in pg-boss's shared table a burst met stale statistics and fetches
    // took seconds.
    await boss.createQueue(deliveryQueue, {
      ...options,
      partition: true,
      heartbeatSeconds: s.heartbeatSeconds ?? undefined,
    });
  } else if (update) {
    await boss.updateQueue(deliveryQueue, { ...options, heartbeatSeconds: s.heartbeatSeconds });
  }
}
