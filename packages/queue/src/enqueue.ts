import type { Transaction } from '@hookline/db';
import type { QueueClient } from './boss';
import { bossDb } from './db-adapter';
import type { DeliveryJob } from './jobs';
import { deliveryQueue } from './names';

export type AttemptToEnqueue = {
  deliveryId: string;
  attempt: number;
  /** An operator asked for it (retry, replay, resend) rather than the schedule. */
  manual?: boolean;
  /** Not before this time; absent means now. */
  startAfter?: Date;
};

/**
 * Enqueues delivery attempts inside the caller's transaction, so they exist exactly when the rows that
 * need them commit. Every producer (publish, retry schedule, replay, resend) goes through here, so the
 * job payload has one shape.
 */
export async function enqueueAttempts(boss: QueueClient, tx: Transaction, attempts: AttemptToEnqueue[]): Promise<void> {
  if (attempts.length === 0) return;
  await boss.insert(
    deliveryQueue,
    attempts.map((a) => {
      const data: DeliveryJob = {
        v: 1,
        deliveryId: a.deliveryId,
        attempt: a.attempt,
        ...(a.manual ? { manual: true } : {}),
      };
      return a.startAfter ? { data, startAfter: a.startAfter } : { data };
    }),
    { db: bossDb(tx) },
  );
}
