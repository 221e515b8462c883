import type { Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import type { Metrics } from '@hookline/monitoring';
import type { QueueClient } from '@hookline/pipeline';
import type { EncryptionKey } from '@hookline/signing-keys';
import type { Job, JobResult } from 'pg-boss';
import type { AttemptRecord } from './attempt-record';
import { batchPatience, waitForBatch } from './batch-patience';
import { claimSlots, type SlotClaim } from './claim-slots';
import { deferThrottled } from './defer-throttled';
import type { EndpointHealthSettings } from './endpoint-health';
import type { SendWebhook } from './http-sender';
import { logAttempts } from './log-attempts';
import { parseJobs, type DeliveryWork } from './parse-jobs';
import { putBackJobs } from './put-back-jobs';
import { countRecorded } from './count-recorded';
import { recordAttempts } from './record-attempts';
import type { SlotRelease } from './release-slots';
import type { RetryPolicy } from './retry-policy';
import { makeAttempt } from './send-attempt';
import { createDatabaseClock } from './database-clock';
import { createLeaseKeeper } from './lease-keeper';
import { createPacer, missedSlot, runLanes } from './send-lanes';
import { settleAttempts } from './settle-attempts';
import { settleRepeats } from './settle-repeats';
import { endpointSecretsOnce } from './endpoint-secrets-once';
import { createStragglers } from './stragglers';
import { planLanes, slotDemands, throttleSettings, type Lane } from './throttle-plan';

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
  /** The event payloads a batch holds at once, in bytes of JSON text; its other jobs are put back. */
  payloadBudgetBytes: number;
  metrics: Metrics;
  now?: () => Date;
  random?: () => number;
};

/**
 * The worker's batch handler: load every delivery of the batch in one query, claim its endpoints'
 * in-flight leases and rate-limit slots in one statement, send over the granted lanes, record every
 * attempt (and give the leases back) in one transaction, and settle each job on its own
 * (`perJobResults`), so one failure never fails its neighbours. Jobs over an endpoint's limits are
 * deferred: put back in the queue, due about when their turn comes.
 */
export function createBatchHandler(deps: DeliverBatchDeps) {
  const { db, boss, send, log, encryptionKey, policy, health, operatorAppId, requestTimeoutMs } = deps;
  const { now = () => new Date(), random = Math.random } = deps;
  // Requests start by this worker's clock; slots, slot pointers and due times are the database's.
  const clock = createDatabaseClock(() => now().getTime());
  const leases = createLeaseKeeper(db, log, throttleSettings.lease);
  // Every attempt is recorded here, the batch's and the stragglers', so this is where they are counted.
  const record = async (records: AttemptRecord[], releases: SlotRelease[]) => {
    try {
      const landed = await recordAttempts(records, {
        db,
        boss,
        health,
        operatorAppId,
        now: now(),
        releases,
        toDatabaseTime: clock.toDatabase,
      });
      countRecorded(deps.metrics, records, landed);
      logAttempts(records, landed, log);
      return landed;
    } finally {
      // Released with the recording, or (it failed) left to expire: either way no longer renewed.
      for (const release of releases) leases.drop(release.endpointId, release.leaseIds);
    }
  };
  const stragglers = createStragglers({ db, boss, log, record, requestTimeoutMs, now });
  const pacer = createPacer(clock.local);
  const claimSettings = { clock, leaseMs: throttleSettings.lease.leaseMs };
  const leaseOf = (lane: Lane): SlotRelease | null =>
    lane.leaseId ? { endpointId: lane.endpointId, leaseIds: [lane.leaseId], intervalMs: lane.intervalMs } : null;

  async function deliverBatch(jobs: Job<unknown>[]): Promise<JobResult[]> {
    const { settled, repeats, fresh, later } = await parseJobs(db, jobs, deps.payloadBudgetBytes);
    const putBack = await putBackJobs(db, boss, later);
    const repeated = await settleRepeats(db, repeats);
    const claims = await claimSlots(db, slotDemands(fresh), claimSettings);
    for (const [endpointId, claim] of claims) leases.hold(endpointId, claim.leaseIds);
    try {
      return await sendAndRecord(fresh, claims, [...settled, ...putBack, ...repeated]);
    } catch (error) {
      // Nothing will release them now: they expire instead of being renewed for ever.
      for (const [endpointId, claim] of claims) leases.drop(endpointId, claim.leaseIds);
      throw error;
    }
  }

  async function sendAndRecord(
    fresh: DeliveryWork[],
    claims: Map<string, SlotClaim>,
    alreadySettled: JobResult[],
  ): Promise<JobResult[]> {
    const { lanes, waiting } = planLanes(fresh, claims);

    const secrets = endpointSecretsOnce(encryptionKey, now());
    const run = runLanes(lanes, {
      send: ({ work }) => makeAttempt(work, { send, policy, secrets, now, random }),
      pacer,
    });
    // The batch moves on without its slowest requests and its jobs waiting for a rate-limit slot
    // (they go on detached, guarded by watchdog jobs), and without jobs still waiting for a busy
    // endpoint's lane (deferred), so its other endpoints' leases are given back at once.
    const finished = await waitForBatch(
      run.items.map((item) => item.attempt),
      batchPatience,
      { waiting: run.waiting, onSettle: run.stop },
    );
    const done = run.items.filter((_, i) => finished[i]);
    const results = await Promise.all(done.map((item) => item.attempt));
    const made = results.filter((result): result is AttemptRecord => !missedSlot(result));
    // Left in a lane without a rate limit, or too late for its slot: deferred. Anything else unfinished
    // goes on detached.
    // The lanes have stopped, so an item queued in a lane without a rate limit never starts.
    const neverStarts = (item: (typeof run.items)[number]) => item.state === 'queued' && item.lane.intervalMs === null;
    const unstarted = run.items.filter(neverStarts);
    const late = done.filter((_, i) => missedSlot(results[i]!));
    const deferred = await deferThrottled([...waiting, ...[...unstarted, ...late].map((item) => item.work)], {
      db,
      boss,
      claims,
      // Due times are the database's: pg-boss and the endpoint's line compare them with its clock.
      now: clock.databaseNow(),
      requestTimeoutMs,
      random,
    });

    const running = run.items.filter((item, i) => !finished[i] && !neverStarts(item));
    // A lane with a job still running hands its lease to its last such job; the others give theirs back
    // with the batch. A job queued behind others in its lane may wait for each of them to time out.
    const lastRunning = new Map(running.map((item) => [item.lane, item]));
    const ahead = new Map<Lane, number>();
    const detached = await stragglers.detach(
      running.map((item) => {
        const before = ahead.get(item.lane) ?? 0;
        ahead.set(item.lane, before + 1);
        return {
          work: item.work,
          attempt: item.attempt,
          release: lastRunning.get(item.lane) === item ? leaseOf(item.lane) : null,
          aheadMs: before * requestTimeoutMs,
        };
      }),
    );
    const landed = await record(
      made,
      lanes.filter((lane) => !lastRunning.has(lane)).flatMap((lane) => leaseOf(lane) ?? []),
    );
    return [...alreadySettled, ...deferred, ...detached, ...settleAttempts(made, landed)];
  }

  return Object.assign(deliverBatch, {
    // Detached requests keep their leases until they are recorded: renewing stops after them.
    drain: async () => {
      await stragglers.drain();
      await leases.stop();
    },
  });
}
