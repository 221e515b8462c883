import type { Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import type { Metrics } from '@hookline/monitoring';
import type { QueueClient } from '@hookline/pipeline';
import type { EncryptionKey } from '@hookline/signing-keys';
import type { Job, JobResult } from 'pg-boss';
import type { AttemptRecord } from './attempt-record';
import { waitForBatch } from './batch-patience';
import { deferCongested } from './defer-congested';
import type { EndpointHealthSettings } from './endpoint-health';
import type { SendWebhook } from './http-sender';
import { logAttempts } from './log-attempts';
import { parseJobs } from './parse-jobs';
import { countRecorded } from './count-recorded';
import { recordAttempts } from './record-attempts';
import type { RetryPolicy } from './retry-policy';
import { makeAttempt } from './send-attempt';
import { settleAttempts } from './settle-attempts';
import { settleRepeats } from './settle-repeats';
import { endpointSecretsOnce } from './endpoint-secrets-once';
import { createSlowEndpointTracker } from './slow-endpoints';
import { createStragglers } from './stragglers';

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
  metrics: Metrics;
  now?: () => Date;
  random?: () => number;
};

/**
 * The worker's batch handler: load every delivery of the batch in one query, send them all
 * concurrently, record every attempt in one transaction, and settle each job on its own
 * (`perJobResults`), so one failure never fails its neighbours.
 */
export function createBatchHandler(deps: DeliverBatchDeps) {
  const { db, boss, send, log, encryptionKey, policy, health, operatorAppId, requestTimeoutMs } = deps;
  const { now = () => new Date(), random = Math.random } = deps;
  const slowEndpoints = createSlowEndpointTracker(deps.maxSlowRequestsPerEndpoint);
  // Every attempt is recorded here, the batch's and the stragglers', so this is where they are counted.
  const record = async (records: AttemptRecord[]) => {
    const landed = await recordAttempts(records, { db, boss, health, operatorAppId, now: now() });
    countRecorded(deps.metrics, records, landed);
    logAttempts(records, landed, log);
    return landed;
  };
  const stragglers = createStragglers({ db, boss, log, record, slowEndpoints, requestTimeoutMs, now });

  async function deliverBatch(jobs: Job<unknown>[]): Promise<JobResult[]> {
    const { settled, repeats, fresh } = await parseJobs(db, jobs);
    const repeated = await settleRepeats(db, repeats);
    const { sending, deferred } = await deferCongested(fresh, {
      db,
      boss,
      slowEndpoints,
      requestTimeoutMs,
      now,
      random,
    });

    const secrets = endpointSecretsOnce(encryptionKey, now());
    const attempts = sending.map((work) => makeAttempt(work, { send, policy, secrets, now, random }));
    // The batch moves on without its slowest requests; they finish detached, guarded by watchdog jobs.
    const finished = await waitForBatch(attempts);
    const detached = await stragglers.detach(
      sending.flatMap((work, i) => (finished[i] ? [] : [{ work, attempt: attempts[i]! }])),
    );

    const made = await Promise.all(attempts.filter((_, i) => finished[i]));
    const landed = await record(made);
    return [...settled, ...repeated, ...deferred, ...detached, ...settleAttempts(made, landed)];
  }

  return Object.assign(deliverBatch, { drain: stragglers.drain });
}
