import { PgBoss, type StopOptions } from 'pg-boss';
import { deadLetterQueue, deliveryQueue, queueSchema } from './names';
import { createQueueDatabase, type QueueDatabase } from './queue-database';

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
  /**
   * Dead letters wait this long for an operator before pg-boss deletes them. Hookline's retention
   * (HOOKLINE_RETENTION_DAYS) sets it, and the retention sweep keeps a failed delivery's rows until its
   * dead letter has expired (see sweep-expired.ts), so a dead letter never outlives what it names.
   */
  deadLetterRetentionSeconds: number;
  /**
   * A waiting delivery job is deleted by pg-boss this long after it was due (pg-boss counts from the
   * job's start time, so a retry schedule of any length is unaffected): only a queue no worker has
   * served for this long loses jobs, and the reconciler enqueues those deliveries again.
   */
  waitingRetentionSeconds: number;
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
  // pg-boss's default is 14 days; Hookline keeps a waiting job at least as long as its rows.
  waitingRetentionSeconds: 30 * 24 * 3600,
};

const minWaitingRetentionSeconds = 14 * 24 * 3600;

/**
 * The queue settings that follow Hookline's retention: dead letters expire with it, waiting jobs are
 * kept at least that long (and never less than 14 days), and completed jobs (kept a day for inspection) never outlive the rows.
 * pg-boss stores these as whole seconds, at least one.
 */
export function queueRetentionSettings(
  retentionSeconds: number,
): Pick<DeliveryQueueSettings, 'deleteAfterSeconds' | 'deadLetterRetentionSeconds' | 'waitingRetentionSeconds'> {
  const seconds = Math.max(1, Math.round(retentionSeconds));
  return {
    deleteAfterSeconds: Math.min(defaultDeliveryQueueSettings.deleteAfterSeconds, seconds),
    deadLetterRetentionSeconds: seconds,
    // A short retention (a soak test's minutes) must not drop the jobs of a backlog.
    waitingRetentionSeconds: Math.max(minWaitingRetentionSeconds, seconds),
  };
}

export type QueueClient = PgBoss;

const defaultMaintenanceIntervalSeconds = 3600;

/** Deletes keep pace with a short retention (a soak's minutes): a tenth of it, at most hourly. */
export const maintenanceIntervalFor = (retentionSeconds: number) =>
  Math.min(defaultMaintenanceIntervalSeconds, Math.max(1, retentionSeconds / 10));

/** How long pg-boss's pool may take to hand out or open a connection, in ms. */
export const queueConnectionTimeoutMs = 2_000;

/**
 * pg-boss on a database it does not own (its statements prepared on postgres.js, see
 * queue-database.ts), which it therefore does not close: stopping closes it here, once pg-boss has
 * stopped using it.
 */
class QueueClientOnOwnDatabase extends PgBoss {
  readonly #database: QueueDatabase;

  constructor(options: ConstructorParameters<typeof PgBoss>[0] & { db: QueueDatabase }) {
    super(options);
    this.#database = options.db;
  }

  override async stop(options: StopOptions = {}): Promise<void> {
    await super.stop(options);
    if (options.close !== false) await this.#database.close();
  }
}

/**
 * A pg-boss instance configured the way every Hookline process needs it: LISTEN/NOTIFY so a
 * published event wakes a worker at once instead of at the next poll, and prepared statements.
 */
export function createQueueClient({
  connectionString,
  max = 10,
  onError,
  applicationName,
  monitorIntervalSeconds = 30,
  maintenanceIntervalSeconds = defaultMaintenanceIntervalSeconds,
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
  /**
   * How often pg-boss deletes completed jobs and expired dead letters, in seconds. pg-boss's own default
   * is once a day, which lets a day of completed jobs pile up whatever `deleteAfterSeconds` says.
   */
  maintenanceIntervalSeconds?: number;
}): PgBoss {
  const boss = new QueueClientOnOwnDatabase({
    db: createQueueDatabase({
      connectionString,
      max,
      applicationName,
      connectTimeoutSeconds: queueConnectionTimeoutMs / 1000,
    }),
    schema: queueSchema,
    useListenNotify: true,
    application_name: applicationName,
    superviseIntervalSeconds: monitorIntervalSeconds,
    monitorIntervalSeconds,
    maintenanceIntervalSeconds: Math.max(1, Math.round(maintenanceIntervalSeconds)),
  });
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
    retentionSeconds: s.waitingRetentionSeconds,
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
