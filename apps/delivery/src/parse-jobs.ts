import type { Database } from '@hookline/db';
import { DeliveryJob } from '@hookline/pipeline';
import type { Job, JobResult } from 'pg-boss';
import { loadDeliveries, type LoadedDelivery } from './load-deliveries';

/** A job the worker can act on: its payload read, its delivery loaded with the event and endpoint. */
export type DeliveryWork = { job: Job<unknown>; data: DeliveryJob; row: LoadedDelivery };

export type ParsedBatch = {
  /** Jobs already settled here: an unreadable payload, or a delivery that no longer exists. */
  settled: JobResult[];
  /** Jobs whose attempt is already recorded (see settle-repeats.ts). */
  repeats: DeliveryWork[];
  /** Jobs whose attempt is still to be made. */
  fresh: DeliveryWork[];
  /** Jobs whose payloads did not fit in the batch's byte budget (see put-back-jobs.ts). */
  later: { job: Job<unknown>; data: DeliveryJob }[];
};

/**
 * Reads a batch's payloads, loads every delivery they name in one query, and sorts the jobs into
 * those settled at once, repeats of an attempt already recorded, fresh attempts, and those whose event
 * payloads would take the batch over its byte budget.
 */
export async function parseJobs(db: Database, jobs: Job<unknown>[], payloadBudgetBytes: number): Promise<ParsedBatch> {
  const batch: ParsedBatch = { settled: [], repeats: [], fresh: [], later: [] };
  const parsed = jobs.map((job) => ({ job, data: DeliveryJob.safeParse(job.data) }));
  const { loaded, later } = await loadDeliveries(
    db,
    parsed.flatMap((p) => (p.data.success ? [p.data.data.deliveryId] : [])),
    payloadBudgetBytes,
  );

  for (const { job, data } of parsed) {
    if (!data.success) {
      // No retry can fix a payload this worker cannot read; keep it where an operator looks.
      batch.settled.push({
        id: job.id,
        status: 'deadletter',
        output: { error: `unreadable job payload: ${data.error.message}` },
      });
      continue;
    }
    if (later.has(data.data.deliveryId)) {
      batch.later.push({ job, data: data.data });
      continue;
    }
    const row = loaded.get(data.data.deliveryId);
    if (!row) {
      // The endpoint or event was deleted after the job was queued.
      batch.settled.push({ id: job.id, status: 'completed', output: { skipped: 'delivery no longer exists' } });
      continue;
    }
    (row.delivery.attemptCount >= data.data.attempt ? batch.repeats : batch.fresh).push({ job, data: data.data, row });
  }
  return batch;
}
