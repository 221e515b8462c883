import { PgBoss } from 'pg-boss';
import { deadLetterQueue, deliveryQueue } from './names';

/** Tunables of the delivery queue, in seconds. */
export const deliveryQueueSettings = {
  // A job active this long is presumed lost with its worker and handed to another. It must exceed
  // the longest request (HOOKLINE_REQUEST_TIMEOUT_MS, 15 s by default) plus the time to record it.
  expireInSeconds: 60,
  // pg-boss's own retries only cover a worker that died or overran; the webhook retry schedule is
  // ours and enqueues a fresh job per attempt. After this many losses the job is dead-lettered.
  retryLimit: 5,
  retryDelay: 5,
  // Completed jobs are kept a day for inspection; Hookline's attempts table is the lasting record.
  deleteAfterSeconds: 24 * 3600,
  // Dead letters wait this long for an operator before pg-boss deletes them: 30 days.
  deadLetterRetentionSeconds: 30 * 24 * 3600,
} as const;

export type QueueClient = PgBoss;

/**
 * A pg-boss instance configured the way every Hookline process needs it: LISTEN/NOTIFY so a
 * published event wakes a worker at once instead of at the next poll.
 */
export function createQueueClient({
  connectionString,
  schema = 'pgboss',
  max = 10,
  onError,
}: {
  connectionString: string;
  schema?: string;
  max?: number;
  onError: (error: Error) => void;
}): PgBoss {
  const boss = new PgBoss({ connectionString, schema, max, useListenNotify: true });
  // An unhandled 'error' event would kill the process; pg-boss reconnects by itself.
  boss.on('error', onError);
  return boss;
}

/** Creates the queues, or brings existing ones to the current settings. Idempotent. */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  const s = deliveryQueueSettings;
  // The dead-letter queue must exist before a queue that names it.
  const deadLetterOptions = { retentionSeconds: s.deadLetterRetentionSeconds, retryLimit: 0 };
  if (await boss.getQueue(deadLetterQueue)) await boss.updateQueue(deadLetterQueue, deadLetterOptions);
  else await boss.createQueue(deadLetterQueue, deadLetterOptions);

  const options = {
    expireInSeconds: s.expireInSeconds,
    retryLimit: s.retryLimit,
    retryDelay: s.retryDelay,
    deleteAfterSeconds: s.deleteAfterSeconds,
    notify: true,
  };
  if (await boss.getQueue(deliveryQueue)) {
    await boss.updateQueue(deliveryQueue, { ...options, deadLetter: deadLetterQueue });
  } else {
    // A table of its own: in pg-boss's shared table a burst met stale statistics and fetches
    // took seconds (STACK.md).
    await boss.createQueue(deliveryQueue, { ...options, partition: true, deadLetter: deadLetterQueue });
  }
}
