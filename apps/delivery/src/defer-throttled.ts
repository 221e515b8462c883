import type { Database } from '@hookline/db';
import { insertDeliveryJobs, type QueueClient } from '@hookline/pipeline';
import type { JobResult } from 'pg-boss';
import type { Deferral } from './throttle-plan';

/**
 * Puts throttled jobs back in the queue: each as a copy due at its `startAfter` (committed before the
 * batch settles the originals, so no moment exists without a job), its deferral counted on the copy.
 * A deferral is not an attempt: nothing is recorded on the delivery and the endpoint's health is not
 * touched. Answers the originals' results.
 */
export async function deferThrottled(
  deferrals: Deferral[],
  { db, boss }: { db: Database; boss: QueueClient },
): Promise<JobResult[]> {
  if (deferrals.length === 0) return [];
  await insertDeliveryJobs(
    boss,
    deferrals.map(({ work: { data }, startAfter }) => ({
      deliveryId: data.deliveryId,
      attempt: data.attempt,
      manual: data.manual,
      deferrals: (data.deferrals ?? 0) + 1,
      startAfter,
    })),
    { db },
  );
  return deferrals.map(({ work, startAfter }) => ({
    id: work.job.id,
    status: 'completed',
    output: { deferred: 'endpoint throttled', until: startAfter.toISOString() },
  }));
}
