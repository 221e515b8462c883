import { deliveries, endpoints, type Transaction } from '@hookline/db';
import { eq, inArray, sql } from 'drizzle-orm';
import type { QueueClient } from './boss';
import { bossDb } from './db-adapter';
import { insertDeliveryJobs } from './insert-jobs';
import { deadLetterQueue, queueSchema } from './names';

export type RequeueResult = {
  /** Deliveries given a new manual attempt. */
  requeued: string[];
  /** Deliveries left alone because their endpoint is disabled: the attempt would only dead-letter again. */
  endpointDisabled: string[];
};

/**
 * Gives each delivery a manual attempt now (deliveries.retry, deadLetters.replay), inside `tx`: the
 * delivery goes back to pending, a job for attempt `attemptCount + 1` marked manual is enqueued, and
 * the delivery's waiting dead letters are settled (completed, with the replay in their output), so no
 * one replays them a second time.
 *
 * The attempt number continues the delivery's count, so the retry policy treats it like any other:
 * within the schedule a failure is retried on schedule (a scheduled job for the same number then
 * finds it recorded and stands down); past the schedule, a failure dead-letters it again.
 */
export async function requeueDeliveries(
  tx: Transaction,
  boss: QueueClient,
  deliveryIds: string[],
): Promise<RequeueResult> {
  if (deliveryIds.length === 0) return { requeued: [], endpointDisabled: [] };
  // Locked in id order: two replays of overlapping sets wait for each other instead of deadlocking.
  const rows = await tx
    .select({ id: deliveries.id, attemptCount: deliveries.attemptCount, enabled: endpoints.enabled })
    .from(deliveries)
    .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
    .where(inArray(deliveries.id, deliveryIds))
    .orderBy(deliveries.id)
    .for('update', { of: deliveries });

  const ready = rows.filter((r) => r.enabled);
  const endpointDisabled = rows.filter((r) => !r.enabled).map((r) => r.id);
  if (ready.length === 0) return { requeued: [], endpointDisabled };

  const now = new Date();
  await tx
    .update(deliveries)
    // A lost dead letter's reason described the failure this attempt follows up on.
    .set({ status: 'pending', nextAttemptAt: now, updatedAt: now, deadLetterLost: null })
    .where(
      inArray(
        deliveries.id,
        ready.map((r) => r.id),
      ),
    );
  await insertDeliveryJobs(
    boss,
    ready.map((r) => ({ deliveryId: r.id, attempt: r.attemptCount + 1, manual: true })),
    { tx },
  );

  const waiting = await tx.execute<{ id: string }>(sql`
    select id from ${sql.identifier(queueSchema)}.job
     where name = ${deadLetterQueue} and state = 'created'
       and data->>'deliveryId' in ${sql`(${sql.join(
         ready.map((r) => sql`${r.id}`),
         sql`, `,
       )})`}`);
  const deadLetterIds = waiting.map((row) => row.id);
  if (deadLetterIds.length > 0) {
    // includeQueued: a dead letter is never fetched, so it is settled from `created`.
    await boss.complete(
      deadLetterQueue,
      deadLetterIds,
      { replayedAt: now.toISOString() },
      { db: bossDb(tx), includeQueued: true },
    );
  }
  return { requeued: ready.map((r) => r.id), endpointDisabled };
}
