import { envelopeBody, payloadForEndpoint, pinnedVersion } from '@hookline/schema';
import { webhookHeaders } from '@hookline/verify';
import { endpointDisabledOutcome, notSentOutcome, type AttemptOutcome } from './attempt-outcome';
import type { AttemptRecord } from './attempt-record';
import type { SendWebhook } from './http-sender';
import type { LoadedDelivery } from './load-deliveries';
import type { DeliveryWork } from './parse-jobs';
import { decideNext, isRetryable, type RetryPolicy } from './retry-policy';
import type { EndpointSecrets, EndpointSecretsOf } from './endpoint-secrets-once';

export type MakeAttemptDeps = {
  send: SendWebhook;
  /** Its schedule is used for endpoints without one of their own. */
  policy: RetryPolicy;
  secrets: EndpointSecretsOf;
  now: () => Date;
  random: () => number;
};

/**
 * Makes one delivery's attempt: sends it unless its endpoint is disabled or cannot take the event,
 * and asks the retry policy what comes next. Never throws for the receiver's sake: every way an
 * attempt can go is an outcome on the record.
 */
export async function makeAttempt(
  { job, data, row }: DeliveryWork,
  { send, policy, secrets, now, random }: MakeAttemptDeps,
): Promise<AttemptRecord> {
  const endpointPolicy = { ...policy, schedule: row.endpoint.retrySchedule ?? policy.schedule };
  const startedAt = now();
  // A disabled endpoint, or data that cannot take the endpoint's pinned version: nothing is sent,
  // and the retry policy gives up at once (dead letter) with the reason on the attempt.
  const payload = row.endpoint.enabled ? payloadOf(row) : null;
  const outcome: AttemptOutcome = !payload
    ? endpointDisabledOutcome
    : !payload.ok
      ? notSentOutcome('unconvertible', payload.error)
      : await sendAttempt({
          send,
          secrets: secrets(row),
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
    eventCreatedAt: row.event.createdAt,
    endpointId: row.delivery.endpointId,
    orderingKey: row.delivery.orderingKey,
    attempt: data.attempt,
    trigger: data.manual ? 'manual' : 'scheduled',
    startedAt,
    outcome,
    decision: decideNext({ policy: endpointPolicy, attempt: data.attempt, outcome, now: now(), random }),
    endpointFailuresHint: row.endpoint.consecutiveFailures,
  };
}

type PayloadJson = { ok: true; version: string; dataJson: string } | { ok: false; error: string };

/**
 * The version and data (as JSON text) this endpoint receives. The stored text goes into the body as it
 * is; only an endpoint pinned to another version has the data parsed, converted and serialised again.
 */
function payloadOf(row: LoadedDelivery): PayloadJson {
  const { type, version, dataJson } = row.event;
  if (pinnedVersion(type, version, row.endpoint.versionPins) === version) return { ok: true, version, dataJson };
  const payload = payloadForEndpoint({ type, version, data: JSON.parse(dataJson) }, row.endpoint.versionPins);
  return payload.ok ? { ok: true, version: payload.version, dataJson: JSON.stringify(payload.data) } : payload;
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
  /** Every live key signs, so a receiver mid-rotation accepts the old or the new one; headers go with every request. */
  secrets: EndpointSecrets | Error;
  row: LoadedDelivery;
  /** What this endpoint receives: the published version, or the one it pins. */
  payload: { version: string; dataJson: string };
  attempt: number;
  schedule: readonly number[];
  startedAt: Date;
}): Promise<AttemptOutcome> {
  // A wrong HOOKLINE_ENCRYPTION_KEY: nothing unsigned (or without its headers) ever leaves, and the attempt says why.
  if (secrets instanceof Error) return notSentOutcome('unsigned', `cannot sign: ${secrets.message}`);
  const body = envelopeBody({
    id: row.event.id,
    timestamp: row.event.createdAt,
    event: row.event.type,
    version: payload.version,
    dataJson: payload.dataJson,
    attempt,
    retryable: isRetryable(schedule, attempt),
  });
  const headers = {
    // The endpoint's own headers first: the API refuses webhook-* names, and the signature's come last regardless.
    ...secrets.headers,
    ...webhookHeaders({
      id: row.event.id,
      timestamp: Math.floor(startedAt.getTime() / 1000),
      body,
      secrets: secrets.signingKeys,
    }),
  };
  // No job signal: pg-boss aborts it when the batch settles, and a detached request outlives that.
  // The sender's own timeout bounds every request.
  return send({ url: row.endpoint.url, headers, body });
}
