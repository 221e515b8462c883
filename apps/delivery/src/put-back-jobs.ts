import type { Database } from '@hookline/db';
import { insertDeliveryJobs, type DeliveryJob, type QueueClient } from '@hookline/pipeline';
import type { Job, JobResult } from 'pg-boss';

/**
 * Jobs left out of a batch because their payloads would have taken it over its byte budget go back to
 * the queue unchanged and due at once, for the next fetch of any worker. A copy is committed before
 * the original completes, so no moment exists without a job; it is neither an attempt nor a deferral
 * (nothing is recorded on the delivery). Each batch sends at least one job, so the queue moves.
 */
export async function putBackJobs(
  db: Database,
  boss: QueueClient,
  later: { job: Job<unknown>; data: DeliveryJob }[],
): Promise<JobResult[]> {
  if (later.length === 0) return [];
  await insertDeliveryJobs(
    boss,
    later.map(({ data }) => data),
    { db },
  );
  return later.map(({ job }) => ({ id: job.id, status: 'completed', output: { putBack: 'batch byte budget' } }));
}
