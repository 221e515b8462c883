import type { Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import { DeliveryJob, type QueueClient } from '@hookline/queue';
import { buildEnvelope } from '@hookline/schema';
import { openLiveSigningKeys, type EncryptionKey } from '@hookline/signing-keys';
import { webhookHeaders } from '@hookline/verify';
import type { Job, JobResult } from 'pg-boss';
import { endpointDisabledOutcome, notSentOutcome, type AttemptOutcome } from './attempt-outcome';
import type { EndpointHealthSettings } from './endpoint-health';
import type { SendWebhook } from './http-sender';
import { attemptKey, loadDeliveries, loadRecordedAttempts, type LoadedDelivery } from './load-deliveries';
import { payloadForEndpoint } from './payload-for-endpoint';
import { recordAttempts, type AttemptRecord } from './record-attempts';
import { decideNext, isGiveUpRule, isRetryable, type RetryPolicy } from './retry-policy';

export type DeliverBatchDeps = {
  db: Database;
  boss: QueueClient;
  send: SendWebhook;
  log: Log;
  /** Opens the endpoints' signing keys (HOOKLINE_ENCRYPTION_KEY, the same as the API's). */
  encryptionKey: EncryptionKey;
  /** Its schedule is used for endpoints without one of their own. */
  policy: RetryPolicy;
  health: EndpointHealthSettings;
  operatorAppId: string | null;
  now?: () => Date;
  random?: () => number;
};

type Work = { job: Job<unknown>; data: DeliveryJob; row: LoadedDelivery };

/**
 * The worker's batch handler: load every delivery of the batch in one query, send them all
 * concurrently, record every attempt in one transaction, and settle each job on its own
 * (`perJobResults`), so one failure never fails its neighbours. A give-up is settled as
 * `deadletter`: pg-boss copies the job, with our output as `source_output`, into the dead-letter queue.
 */
export function createBatchHandler(deps: DeliverBatchDeps) {
  const { db, boss, send, log, encryptionKey, policy, health, operatorAppId, now = () => new Date(), random } = deps;

  return async function deliverBatch(jobs: Job<unknown>[]): Promise<JobResult[]> {
    const results: JobResult[] = [];
    const work: Work[] = [];
    const repeats: Work[] = [];

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
      (row.delivery.attemptCount >= data.data.attempt ? repeats : work).push({ job, data: data.data, row });
    }

    results.push(...(await settleRepeats(db, repeats)));

    const records = await Promise.all(
      work.map(async ({ job, data, row }): Promise<AttemptRecord> => {
        const endpointPolicy = { ...policy, schedule: row.endpoint.retrySchedule ?? policy.schedule };
        const startedAt = now();
        // A disabled endpoint, or data that cannot take the endpoint's pinned version: nothing is sent,
        // and the retry policy gives up at once (dead letter) with the reason on the attempt.
        const payload = row.endpoint.enabled ? payloadForEndpoint(row.event, row.endpoint.versionPins) : null;
        const outcome: AttemptOutcome = !payload
          ? endpointDisabledOutcome
          : !payload.ok
            ? notSentOutcome('unconvertible', payload.error)
            : await sendAttempt({ send, encryptionKey, row, payload, attempt: data.attempt, schedule: endpointPolicy.schedule, startedAt, signal: job.signal });
        return {
          jobId: job.id,
          deliveryId: row.delivery.id,
          appId: row.delivery.appId,
          eventId: row.delivery.eventId,
          endpointId: row.delivery.endpointId,
          attempt: data.attempt,
          trigger: data.manual ? 'manual' : 'scheduled',
          startedAt,
          outcome,
          decision: decideNext({ policy: endpointPolicy, attempt: data.attempt, outcome, now: now(), random }),
          endpointFailuresHint: row.endpoint.consecutiveFailures,
        };
      }),
    );

    const landed = await recordAttempts(records, { db, boss, health, operatorAppId, now: now() });

    work.forEach(({ job }, i) => {
      const record = records[i]!;
      if (!landed.has(attemptKey(record.deliveryId, record.attempt))) {
        results.push({ id: job.id, status: 'completed', output: { skipped: `attempt ${record.attempt} was recorded by another job meanwhile` } });
      } else if (record.decision.kind === 'give-up') {
        const error = record.outcome.kind === 'failure' ? record.outcome.error : 'unknown';
        log('delivery dead-lettered', { deliveryId: record.deliveryId, attempts: record.attempt, rule: record.decision.rule, error });
        results.push({
          id: job.id,
          status: 'deadletter',
          output: { deliveryId: record.deliveryId, error, rule: record.decision.rule, reason: record.decision.reason, attempts: record.attempt },
        });
      } else {
        results.push({ id: job.id, status: 'completed', output: { status: record.outcome.status, rule: record.decision.rule } });
      }
    });
    return results;
  };
}

/**
 * Jobs whose attempt is already recorded. If this very job recorded it, its worker died between the
 * commit and settling the job: settle it the way that worker would have, dead letter included. Any
 * other job for a recorded attempt is a duplicate (a manual retry beside the scheduled attempt, a
 * redriven dead letter): done, nothing sent.
 */
async function settleRepeats(db: Database, repeats: Work[]): Promise<JobResult[]> {
  const recorded = await loadRecordedAttempts(
    db,
    repeats.map(({ data }) => ({ deliveryId: data.deliveryId, attempt: data.attempt })),
  );
  return repeats.map(({ job, data, row }) => {
    const attempt = recorded.get(attemptKey(data.deliveryId, data.attempt));
    // Only while that give-up is still the delivery's last word: a retry since then supersedes it.
    const stillDeadLetter = row.delivery.status === 'failed' && row.delivery.attemptCount === data.attempt;
    if (attempt?.jobId === job.id && isGiveUpRule(attempt.rule) && stillDeadLetter) {
      return {
        id: job.id,
        status: 'deadletter',
        output: { deliveryId: data.deliveryId, error: attempt.error, rule: attempt.rule, attempts: data.attempt, recoveredAfterRestart: true },
      };
    }
    return {
      id: job.id,
      status: 'completed',
      output: { skipped: attempt?.jobId === job.id ? 'attempt recorded before a worker restart' : `attempt ${data.attempt} was already made` },
    };
  });
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
    return notSentOutcome('unsigned', `cannot sign: ${(error as Error).message}`);
  }
  const envelope = buildEnvelope({
    id: row.event.id,
    timestamp: row.event.createdAt,
    event: row.event.type,
    version: payload.version,
    data: payload.data,
    attempt,
    retryable: isRetryable(schedule, attempt),
  });
  const body = JSON.stringify(envelope);
  const headers = webhookHeaders({ id: row.event.id, timestamp: Math.floor(startedAt.getTime() / 1000), body, secrets });
  return send({ url: row.endpoint.url, headers, body, signal });
}
