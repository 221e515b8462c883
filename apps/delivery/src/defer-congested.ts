import type { Database } from '@hookline/db';
import { insertDeliveryJobs, type QueueClient } from '@hookline/pipeline';
import type { JobResult } from 'pg-boss';
import type { DeliveryWork } from './parse-jobs';
import { deferralDelayMs, type SlowEndpointTracker } from './slow-endpoints';

/**
 * An endpoint already holding its share of slow requests gets no more: its jobs wait in the queue
 * (deferred, which is not an attempt, each as a copy due later), not in this worker. Answers the
 * jobs to send now and the settled results of the deferred ones.
 */
export async function deferCongested(
  work: DeliveryWork[],
  {
    db,
    boss,
    slowEndpoints,
    requestTimeoutMs,
    now,
    random,
  }: {
    db: Database;
    boss: QueueClient;
    slowEndpoints: SlowEndpointTracker;
    requestTimeoutMs: number;
    now: () => Date;
    random: () => number;
  },
): Promise<{ sending: DeliveryWork[]; deferred: JobResult[] }> {
  const congested: DeliveryWork[] = [];
  const sending: DeliveryWork[] = [];
  for (const w of work) (slowEndpoints.isCongested(w.row.delivery.endpointId) ? congested : sending).push(w);
  if (congested.length === 0) return { sending, deferred: [] };

  await insertDeliveryJobs(
    boss,
    congested.map(({ data }) => {
      const deferrals = (data.deferrals ?? 0) + 1;
      return {
        deliveryId: data.deliveryId,
        attempt: data.attempt,
        manual: data.manual,
        deferrals,
        startAfter: new Date(now().getTime() + deferralDelayMs({ requestTimeoutMs, deferrals, random })),
      };
    }),
    { db },
  );
  return {
    sending,
    deferred: congested.map(({ job }) => ({
      id: job.id,
      status: 'completed',
      output: { deferred: 'endpoint congested' },
    })),
  };
}
