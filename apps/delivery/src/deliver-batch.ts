import type { Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import { DeliveryJob, type QueueClient } from '@hookline/queue';
import { buildEnvelope } from '@hookline/schema';
import { openLiveSigningKeys, type EncryptionKey } from '@hookline/signing-keys';
import { webhookHeaders } from '@hookline/verify';
import type { Job, JobResult } from 'pg-boss';
import type { AttemptOutcome } from './attempt-outcome';
import type { SendWebhook } from './http-sender';
import { loadDeliveries, type LoadedDelivery } from './load-deliveries';
import { payloadForEndpoint } from './payload-for-endpoint';
import { recordAttempts, type AttemptRecord } from './record-attempts';
import { decideNext, maxAttempts } from './retry-policy';

export type DeliverBatchDeps = {
  db: Database;
  boss: QueueClient;
  send: SendWebhook;
  log: Log;
  /** Opens the endpoints' signing keys (HOOKLINE_ENCRYPTION_KEY, the same as the API's). */
  encryptionKey: EncryptionKey;
  /** Used for endpoints without a schedule of their own. */
  defaultRetrySchedule: readonly number[];
  now?: () => Date;
  random?: () => number;
};

/**
 * The worker's batch handler: load every delivery of the batch in one query, send them all
 * concurrently, record every attempt in one transaction, and settle each job on its own
 * (`perJobResults`), so one failure never fails its neighbours.
 */
export function createBatchHandler(deps: DeliverBatchDeps) {
  const { db, boss, send, log, encryptionKey, defaultRetrySchedule, now = () => new Date(), random } = deps;

  return async function deliverBatch(jobs: Job<unknown>[]): Promise<JobResult[]> {
    const results: JobResult[] = [];
    const work: { job: Job<unknown>; data: DeliveryJob; row: LoadedDelivery }[] = [];

    const parsed = jobs.map((job) => ({ job, data: DeliveryJob.safeParse(job.data) }));
    const loaded = await loadDeliveries(
      db,
      parsed.flatMap((p) => (p.data.success ? [p.data.data.deliveryId] : [])),
    );

    for (const { job, data } of parsed) {
      if (!data.success) {
        // No retry can fix a payload this worker cannot read; keep it where an operator looks.
        results.push({ id: job.id, status: 'deadletter', output: { error: `unreadable job payload: ${data.error.message}` } });
        continue;
      }
      const row = loaded.get(data.data.deliveryId);
      if (!row) {
        // The endpoint or event was deleted after the job was queued.
        results.push({ id: job.id, status: 'completed', output: { skipped: 'delivery no longer exists' } });
        continue;
      }
      if (row.delivery.attemptCount >= data.data.attempt) {
        // This attempt was recorded by a worker that died before settling the job: settle it the
        // way that worker would have.
        results.push(
          row.delivery.status === 'failed'
            ? { id: job.id, status: 'deadletter', output: { error: 'delivery failed; recorded before a worker restart' } }
            : { id: job.id, status: 'completed', output: { skipped: 'attempt already recorded' } },
        );
        continue;
      }
      work.push({ job, data: data.data, row });
    }

    const records = await Promise.all(
      work.map(async ({ job, data, row }): Promise<AttemptRecord> => {
        const schedule = row.endpoint.retrySchedule ?? defaultRetrySchedule;
        const startedAt = now();
        // A disabled endpoint, or data that cannot take the endpoint's pinned version: nothing a retry
        // could change, so record why on the attempt and give up at once (dead letter).
        const payload = row.endpoint.enabled
          ? payloadForEndpoint(row.event, row.endpoint.versionPins)
          : ({ ok: false, error: 'endpoint is disabled' } as const);
        if (!payload.ok) {
          const outcome = { kind: 'failure', status: null, body: null, headers: {}, errorClass: 'other', error: payload.error, durationMs: 0 } as const;
          return { deliveryId: row.delivery.id, attempt: data.attempt, startedAt, outcome, decision: { kind: 'give-up', reason: payload.error } };
        }
        const outcome = await sendAttempt({ send, encryptionKey, row, payload, attempt: data.attempt, schedule, startedAt, signal: job.signal });
        const decision = decideNext({ schedule, attempt: data.attempt, outcome, random });
        return { deliveryId: row.delivery.id, attempt: data.attempt, startedAt, outcome, decision };
      }),
    );

    await recordAttempts(db, boss, records);

    work.forEach(({ job }, i) => {
      const record = records[i]!;
      if (record.decision.kind === 'give-up') {
        const error = record.outcome.kind === 'failure' ? record.outcome.error : 'unknown';
        log('delivery failed for good', { deliveryId: record.deliveryId, attempts: record.attempt, error });
        results.push({ id: job.id, status: 'deadletter', output: { error, reason: record.decision.reason, attempts: record.attempt } });
      } else {
        results.push({ id: job.id, status: 'completed', output: { status: record.outcome.status } });
      }
    });
    return results;
  };
}

async function sendAttempt({
  send,
  encryptionKey,
  row,
  payload,
  attempt,
  schedule,
  startedAt,
  signal,
}: {
  send: SendWebhook;
  encryptionKey: EncryptionKey;
  row: LoadedDelivery;
  /** What this endpoint receives: the published version, or the one it pins. */
  payload: { version: string; data: unknown };
  attempt: number;
  schedule: readonly number[];
  startedAt: Date;
  signal: AbortSignal;
}): Promise<AttemptOutcome> {
  // Every live key signs, so a receiver mid-rotation accepts the old or the new one.
  let secrets: string[];
  try {
    secrets = openLiveSigningKeys(encryptionKey, row.endpoint.id, row.endpoint.secrets, startedAt).map((k) => k.secret);
  } catch (error) {
    // A wrong HOOKLINE_ENCRYPTION_KEY: nothing unsigned ever leaves, and the attempt says why.
    return { kind: 'failure', status: null, body: null, headers: {}, errorClass: 'other', error: `cannot sign: ${(error as Error).message}`, durationMs: 0 };
  }
  const envelope = buildEnvelope({
    id: row.event.id,
    timestamp: row.event.createdAt,
    event: row.event.type,
    version: payload.version,
    data: payload.data,
    attempt,
    retryable: attempt < maxAttempts(schedule),
  });
  const body = JSON.stringify(envelope);
  const headers = webhookHeaders({ id: row.event.id, timestamp: Math.floor(startedAt.getTime() / 1000), body, secrets });
  return send({ url: row.endpoint.url, headers, body, signal });
}
