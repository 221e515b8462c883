import { deliveries, endpoints, type Transaction } from '@hookline/db';
import { eq, inArray, sql } from 'drizzle-orm';
import type { QueueClient } from './boss';
import { bossDb } from './db-adapter';
import { insertDeliveryJobs } from './insert-jobs';
import { advanceLines, lockLinesOf, takeLinePositions } from './ordering-lines';
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
 *
 * A delivery with an ordering key keeps the order of its line (docs/ordering.md). One that has ended
 * (delivered or dead-lettered) goes to the END of its (endpoint, key) line, after everything published
 * since, and is sent when its turn comes (at once if the line is empty); several move in their original
 * order. One still pending keeps its place: the head gets its manual attempt now, one waiting behind it
 * goes when its turn comes.
 */
export async function requeueDeliveries(
  tx: Transaction,
  boss: QueueClient,
  deliveryIds: string[],
): Promise<RequeueResult> {
  if (deliveryIds.length === 0) return { requeued: [], endpointDisabled: [] };
  // The lines first, before any row lock (see ordering-lines.ts).
  await lockLinesOf(tx, deliveryIds);
  // Locked in id order: two replays of overlapping sets wait for each other instead of deadlocking.
  const rows = await tx
    .select({
      id: deliveries.id,
      attemptCount: deliveries.attemptCount,
      enabled: endpoints.enabled,
      endpointId: deliveries.endpointId,
      status: deliveries.status,
      jobId: deliveries.jobId,
      orderingKey: deliveries.orderingKey,
      orderingSeq: deliveries.orderingSeq,
    })
    .from(deliveries)
    .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
    .where(inArray(deliveries.id, deliveryIds))
    .orderBy(deliveries.id)
    .for('update', { of: deliveries });

  const ready = rows.filter((r) => r.enabled);
  const endpointDisabled = rows.filter((r) => !r.enabled).map((r) => r.id);
  if (ready.length === 0) return { requeued: [], endpointDisabled };

  const now = new Date();
  // Unkeyed ones, and a line's pending head, get their manual attempt now; ended keyed ones go to the
  // end of their lines; keyed ones waiting in line are left where they are.
  const sendNow = ready.filter((r) => r.orderingKey === null || (r.status === 'pending' && r.jobId !== null));
  const toLineEnd = ready
    .filter((r) => r.orderingKey !== null && r.status !== 'pending')
    .sort((a, b) => (a.orderingSeq ?? 0) - (b.orderingSeq ?? 0));
  if (sendNow.length > 0) {
    await tx
      .update(deliveries)
      // A lost dead letter's reason described the failure this attempt follows up on.
      .set({ status: 'pending', nextAttemptAt: now, updatedAt: now, deadLetterLost: null })
      .where(
        inArray(
          deliveries.id,
          sendNow.map((r) => r.id),
        ),
      );
    await insertDeliveryJobs(
      boss,
      sendNow.map((r) => ({ deliveryId: r.id, attempt: r.attemptCount + 1, manual: true })),
      { tx },
    );
  }
  if (toLineEnd.length > 0) {
    const positions = await takeLinePositions(tx, toLineEnd.length);
    const moved = toLineEnd.map((r, i) => ({ id: r.id, ordering_seq: positions[i]! }));
    // Without a job until it is the head: advanceLines gives the head of a line that was empty its job.
    await tx.execute(sql`
      update deliveries d
         set status = 'pending', next_attempt_at = ${now.toISOString()}::timestamptz, updated_at = now(),
             job_id = null, ordering_seq = v.ordering_seq, dead_letter_lost = null
        from json_to_recordset(${JSON.stringify(moved)}::json) as v(id text, ordering_seq bigint)
       where d.id = v.id`);
    await advanceLines(
      tx,
      boss,
      toLineEnd.map((r) => ({ endpointId: r.endpointId, orderingKey: r.orderingKey! })),
    );
  }

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
