import type { Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import { randomUUID } from 'node:crypto';
import { DeliveryJob, deliveryQueue, type QueueClient } from '@hookline/queue';
import { buildEnvelope } from '@hookline/schema';
import { openLiveSigningKeys, type EncryptionKey } from '@hookline/signing-keys';
import { webhookHeaders } from '@hookline/verify';
import type { Job, JobResult } from 'pg-boss';
import { endpointDisabledOutcome, notSentOutcome, type AttemptOutcome } from './attempt-outcome';
import type { EndpointHealthSettings } from './endpoint-health';
import type { SendWebhook } from './http-sender';
import { waitForBatch } from './batch-patience';
import { attemptKey, loadDeliveries, loadRecordedAttempts, type LoadedDelivery } from './load-deliveries';
import { payloadForEndpoint } from './payload-for-endpoint';
import { recordAttempts, type AttemptRecord } from './record-attempts';
import { createSlowEndpointTracker, deferralDelayMs } from './slow-endpoints';
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
  /** The sender's timeout: a detached request is over by then, so its watchdog job runs after it. */
  requestTimeoutMs: number;
  /** Detached requests an endpoint may have before its jobs are deferred (see slow-endpoints.ts). */
  maxSlowRequestsPerEndpoint: number;
  now?: () => Date;
  random?: () => number;
};

// A watchdog job is due this long after its request's timeout, time enough to record the attempt
// first (which also brings the watchdog forward); it only acts alone when this process died.
const watchdogMarginMs = 15_000;

type Work = { job: Job<unknown>; data: DeliveryJob; row: LoadedDelivery };

/**
 * The worker's batch handler: load every delivery of the batch in one query, send them all
 * concurrently, record every attempt in one transaction, and settle each job on its own
 * (`perJobResults`), so one failure never fails its neighbours. A give-up is settled as
 * `deadletter`: pg-boss copies the job, with our output as `source_output`, into the dead-letter queue.
 */
export function createBatchHandler(deps: DeliverBatchDeps) {
  const {
    db,
    boss,
    send,
    log,
    encryptionKey,
    policy,
    health,
    operatorAppId,
    requestTimeoutMs,
    now = () => new Date(),
    random = Math.random,
  } = deps;
  const slowEndpoints = createSlowEndpointTracker(deps.maxSlowRequestsPerEndpoint);
  const detached = new Set<Promise<void>>();

  async function makeAttempt({ job, data, row }: Work, signingKeys: SigningKeysOf): Promise<AttemptRecord> {
    const endpointPolicy = { ...policy, schedule: row.endpoint.retrySchedule ?? policy.schedule };
    const startedAt = now();
    // A disabled endpoint, or data that cannot take the endpoint's pinned version: nothing is sent,
    // and the retry policy gives up at once (dead letter) with the reason on the attempt.
    const payload = row.endpoint.enabled ? payloadForEndpoint(row.event, row.endpoint.versionPins) : null;
    const outcome: AttemptOutcome = !payload
      ? endpointDisabledOutcome
      : !payload.ok
        ? notSentOutcome('unconvertible', payload.error)
        : await sendAttempt({
            send,
            secrets: signingKeys(row),
            row,
            payload,
            attempt: data.attempt,
            schedule: endpointPolicy.schedule,
            startedAt,
          });
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
  }

  /**
   * A request left running past its batch. Its job is settled now; a watchdog job (a copy of it,
   * due after the request's timeout) keeps the delivery safe if this process dies first, and
   * carries the dead letter if the attempt gives up. The attempt is recorded under the watchdog's
   * id when the request ends, and the watchdog is brought forward: it finds the attempt made and only
   * settles, or dead-letters a give-up.
   */
  function detach(work: Work, attempt: Promise<AttemptRecord>, watchdogId: string) {
    const endpointId = work.row.delivery.endpointId;
    slowEndpoints.add(endpointId);
    const recorded = attempt
      .then((record) =>
        recordAttempts([{ ...record, jobId: watchdogId }], { db, boss, health, operatorAppId, now: now() }),
      )
      // The attempt is recorded: the watchdog can run now, settling at once (or dead-lettering a give-up)
      // instead of after the request's timeout.
      .then(() => boss.update(deliveryQueue, undefined, { id: watchdogId, startAfter: new Date() }))
      .then(
        () => undefined,
        (error: unknown) =>
          log('detached attempt not recorded; its watchdog job will retry it', {
            deliveryId: work.data.deliveryId,
            error,
          }),
      )
      .finally(() => {
        slowEndpoints.remove(endpointId);
        detached.delete(recorded);
      });
    detached.add(recorded);
  }

  async function deliverBatch(jobs: Job<unknown>[]): Promise<JobResult[]> {
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
        results.push({
          id: job.id,
          status: 'deadletter',
          output: { error: `unreadable job payload: ${data.error.message}` },
        });
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

    // An endpoint already holding its share of slow requests gets no more: its jobs wait in the
    // queue (deferred, which is not an attempt), not in this worker.
    const congested: Work[] = [];
    const sending: Work[] = [];
    for (const w of work) (slowEndpoints.isCongested(w.row.delivery.endpointId) ? congested : sending).push(w);
    if (congested.length > 0) {
      await boss.insert(
        deliveryQueue,
        congested.map(({ data }) => {
          const deferrals = (data.deferrals ?? 0) + 1;
          return {
            data: { ...data, deferrals },
            startAfter: new Date(now().getTime() + deferralDelayMs({ requestTimeoutMs, deferrals, random })),
          };
        }),
      );
      for (const { job } of congested)
        results.push({ id: job.id, status: 'completed', output: { deferred: 'endpoint congested' } });
    }

    const signingKeys = signingKeysOnce(encryptionKey, now());
    const attempts = sending.map((w) => makeAttempt(w, signingKeys));
    const finished = await waitForBatch(attempts);
    const stragglers = sending.flatMap((w, i) => (finished[i] ? [] : [{ w, attempt: attempts[i]! }]));
    if (stragglers.length > 0) {
      const watchdogs = stragglers.map(({ w }) => ({
        id: randomUUID(),
        data: { ...w.data } satisfies DeliveryJob,
        startAfter: new Date(now().getTime() + requestTimeoutMs + watchdogMarginMs),
      }));
      // Committed before this batch's jobs are settled, so no moment exists without a job.
      await boss.insert(deliveryQueue, watchdogs);
      stragglers.forEach(({ w, attempt }, i) => {
        detach(w, attempt, watchdogs[i]!.id);
        results.push({ id: w.job.id, status: 'completed', output: { detached: watchdogs[i]!.id } });
      });
    }
    const done = sending.filter((_, i) => finished[i]);
    const records = await Promise.all(attempts.filter((_, i) => finished[i]));

    const landed = await recordAttempts(records, { db, boss, health, operatorAppId, now: now() });

    done.forEach(({ job }, i) => {
      const record = records[i]!;
      if (!landed.has(attemptKey(record.deliveryId, record.attempt))) {
        results.push({
          id: job.id,
          status: 'completed',
          output: { skipped: `attempt ${record.attempt} was recorded by another job meanwhile` },
        });
      } else if (record.decision.kind === 'give-up') {
        const error = record.outcome.kind === 'failure' ? record.outcome.error : 'unknown';
        log('delivery dead-lettered', {
          deliveryId: record.deliveryId,
          attempts: record.attempt,
          rule: record.decision.rule,
          error,
        });
        results.push({
          id: job.id,
          status: 'deadletter',
          output: {
            deliveryId: record.deliveryId,
            error,
            rule: record.decision.rule,
            reason: record.decision.reason,
            attempts: record.attempt,
          },
        });
      } else {
        results.push({
          id: job.id,
          status: 'completed',
          output: { status: record.outcome.status, rule: record.decision.rule },
        });
      }
    });
    return results;
  }

  return Object.assign(deliverBatch, {
    /** Waits for detached requests to end and be recorded (bounded by the request timeout). */
    drain: async () => {
      await Promise.allSettled([...detached]);
    },
  });
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
        output: {
          deliveryId: data.deliveryId,
          error: attempt.error,
          rule: attempt.rule,
          attempts: data.attempt,
          recoveredAfterRestart: true,
        },
      };
    }
    return {
      id: job.id,
      status: 'completed',
      output: {
        skipped:
          attempt?.jobId === job.id
            ? 'attempt recorded before a worker restart'
            : `attempt ${data.attempt} was already made`,
      },
    };
  });
}

/** An endpoint's live signing secrets, or why they cannot be opened. */
type SigningKeysOf = (row: LoadedDelivery) => string[] | Error;

/**
 * Opens each endpoint's live keys once per batch: a batch holds many deliveries to the same few
 * endpoints, and each opening is an AES-GCM decryption.
 */
function signingKeysOnce(encryptionKey: EncryptionKey, at: Date): SigningKeysOf {
  const opened = new Map<string, string[] | Error>();
  return (row) => {
    let keys = opened.get(row.endpoint.id);
    if (!keys) {
      try {
        keys = openLiveSigningKeys(encryptionKey, row.endpoint.id, row.endpoint.signingKeys, at).map(
          (k) => k.plaintext,
        );
      } catch (error) {
        keys = error as Error;
      }
      opened.set(row.endpoint.id, keys);
    }
    return keys;
  };
}

async function sendAttempt({
  send,
  secrets,
  row,
  payload,
  attempt,
  schedule,
  startedAt,
}: {
  send: SendWebhook;
  /** Every live key signs, so a receiver mid-rotation accepts the old or the new one. */
  secrets: string[] | Error;
  row: LoadedDelivery;
  /** What this endpoint receives: the published version, or the one it pins. */
  payload: { version: string; data: unknown };
  attempt: number;
  schedule: readonly number[];
  startedAt: Date;
}): Promise<AttemptOutcome> {
  // A wrong HOOKLINE_ENCRYPTION_KEY: nothing unsigned ever leaves, and the attempt says why.
  if (secrets instanceof Error) return notSentOutcome('unsigned', `cannot sign: ${secrets.message}`);
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
  const headers = webhookHeaders({
    id: row.event.id,
    timestamp: Math.floor(startedAt.getTime() / 1000),
    body,
    secrets,
  });
  // No job signal: pg-boss aborts it when the batch settles, and a detached request outlives that.
  // The sender's own timeout bounds every request.
  return send({ url: row.endpoint.url, headers, body });
}
