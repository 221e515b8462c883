import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** A tenant. Every other row belongs to exactly one application. */
export const applications = pgTable('applications', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/**
 * API keys are stored as a SHA-256 hash of the whole key: a leaked table cannot be replayed.
 * `appId` null means an admin key that may touch every application.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').references(() => applications.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    // Tells keys apart in a list without showing them: the first characters of a generated key (random),
    // a fingerprint of the keyed hash for the configured key (a person chose it; none of it is stored).
    keyPrefix: text('key_prefix').notNull(),
    // The key came from HOOKLINE_ADMIN_KEY: configuring another one revokes it.
    configured: boolean('configured').notNull().default(false),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // Every request looks its key up by hash.
    uniqueIndex('api_keys_key_hash_idx').on(t.keyHash),
    index('api_keys_app_id_idx').on(t.appId),
  ],
);

export const signingSchemes = ['hmac', 'ed25519'] as const;
/** `hmac`: a shared whsec_ secret, `v1` signatures. `ed25519`: a whsk_ key pair, `v1a` signatures. */
export type SigningScheme = (typeof signingSchemes)[number];

/**
 * One signing key of an endpoint, newest first in `endpoints.signing_keys`. The key itself is encrypted
 * (`sealed`, see @hookline/signing-keys); an old key keeps signing until `expiresAt` so receivers can
 * rotate without a gap.
 */
export type StoredSigningKey = {
  signing: SigningScheme;
  sealed: string;
  /** For ed25519, the whpk_ public key receivers verify with; not secret. Null for hmac. */
  publicKey: string | null;
  createdAt: string;
  expiresAt: string | null;
};

/**
 * A custom header an endpoint's requests carry. The name is in the clear (lowercase, shown by
 * endpoints.get); the value is sealed like a signing key, since it often carries a credential.
 */
export type StoredHeader = { name: string; sealed: string };

export const endpoints = pgTable(
  'endpoints',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    // Subscription patterns; null means every event type.
    eventTypes: text('event_types').array(),
    // Event type → the version this endpoint receives, converted from whatever was published; a type
    // without a pin gets the published version. Stored events are never rewritten: the worker converts.
    versionPins: jsonb('version_pins').$type<Record<string, string>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    signingKeys: jsonb('signing_keys').$type<StoredSigningKey[]>().notNull(),
    // Delay before each retry in seconds; null means the service-wide default schedule.
    retrySchedule: jsonb('retry_schedule').$type<number[]>(),
    // A payload filter (@hookline/filter), checked when saved and evaluated at fan-out; null lets every
    // event of the subscribed types through. json, not jsonb, so it reads back as it was written.
    filter: json('filter'),
    // Custom request headers, sent with every attempt; values sealed (see StoredHeader).
    headers: jsonb('headers').$type<StoredHeader[]>().notNull().default([]),
    // Requests per second at most, over every worker together; null means no limit (see endpoint_throttles).
    rateLimit: doublePrecision('rate_limit'),
    // Requests running at once at most, over every worker together.
    maxInFlight: integer('max_in_flight').notNull().default(10),
    // Health: failed attempts since the last success, and when that run of failures began. The
    // worker disables an endpoint whose run has lasted HOOKLINE_ENDPOINT_DISABLE_AFTER_DAYS; a
    // success resets both (and is reported as delivery.recovered).
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    failingSince: timestamp('failing_since', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // Fan-out reads an application's endpoints on every publish.
    index('endpoints_app_id_idx').on(t.appId, t.id),
  ],
);

/**
 * A lease on one of an endpoint's in-flight slots (`endpoints.max_in_flight`): held by a worker while it
 * sends, gone when the attempt is recorded, or at `until` if the worker died first.
 */
export type ThrottleLease = { id: string; until: string };

/**
 * The shared state that keeps an endpoint's rate limit and in-flight cap across every worker process,
 * one row per endpoint that has had a delivery (created by the first claim). A worker locks the rows
 * of its batch's endpoints in id order, takes leases and slots, and releases them when it records.
 * Kept apart from `endpoints` so claims never wait on the API's or the health update's row locks.
 */
export const endpointThrottles = pgTable('endpoint_throttles', {
  endpointId: text('endpoint_id')
    .primaryKey()
    .references(() => endpoints.id, { onDelete: 'cascade' }),
  // Pacing (the theoretical arrival time of GCRA): the earliest start the next request may be given.
  nextSlotAt: timestamp('next_slot_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  // The end of the line of jobs put back in the queue to wait for their turn: the next one deferred is
  // due after it, so jobs deferred by different batches come back one after another, not all at once.
  queueUntil: timestamp('queue_until', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  // Live in-flight leases, each with its expiry; a handful per endpoint (at most max_in_flight), so a
  // jsonb array in the locked row rather than rows of their own: a claim reads and rewrites one row.
  leases: jsonb('leases').$type<ThrottleLease[]>().notNull().default([]),
  // A moving average of the endpoint's request duration: when a job with no free slot is due again.
  requestMs: doublePrecision('request_ms'),
});

export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    version: text('version').notNull(),
    // json, not jsonb: jsonb reorders keys, and receivers should see the payload as it was published.
    data: json('data').notNull(),
    idempotencyKey: text('idempotency_key'),
    // Deliveries of events with the same ordering key are sent to each endpoint one at a time, in publish
    // order (docs/ordering.md). Kept on the event so a resend can put its new delivery in the key's line.
    orderingKey: text('ordering_key'),
    createdAt: createdAt(),
  },
  (t) => [
    // A retried publish with the same key cannot create a second event.
    uniqueIndex('events_app_id_idempotency_key_idx')
      .on(t.appId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    // events.list pages newest first by id within an application, optionally by type.
    index('events_app_id_id_idx').on(t.appId, t.id),
    index('events_app_id_type_id_idx').on(t.appId, t.type, t.id),
    // The retention sweep walks events oldest first, in chunks.
    index('events_created_at_idx').on(t.createdAt),
  ],
);

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * Why a `failed` delivery has no dead letter any more: `expired` when pg-boss removed it after the
 * dead-letter retention, `removed` when it went earlier (deleted by hand, a restore from backup).
 */
export const deadLetterLostReasons = ['expired', 'removed'] as const;
export type DeadLetterLostReason = (typeof deadLetterLostReasons)[number];

/**
 * Positions in the per-(endpoint, ordering key) lines. Taken while the line's advisory lock is held, so
 * within a line the numbers follow commit order (docs/ordering.md).
 */
export const orderingSequence = pgSequence('deliveries_ordering_seq');

/** One copy of an event on its way to one endpoint. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
    // The pg-boss job last enqueued for this delivery (pgboss.job's id). While the delivery is pending it
    // names a live job; the reconciler checks that by primary key instead of searching jobs by payload.
    jobId: uuid('job_id'),
    // Set by the reconciler on a failed delivery whose dead letter is gone, so an operator who looks for
    // it learns why it is not in the dead-letter listing; cleared when the delivery is retried.
    deadLetterLost: text('dead_letter_lost').$type<DeadLetterLostReason>(),
    // The event's ordering key (null for an unkeyed event) and the delivery's place in the line of its
    // (endpoint, key): only the line's head has a job; the others wait, pending, without one.
    orderingKey: text('ordering_key'),
    orderingSeq: bigint('ordering_seq', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // deliveries.list by event, by endpoint, and by application and status, newest first.
    index('deliveries_event_id_idx').on(t.eventId),
    index('deliveries_endpoint_id_id_idx').on(t.endpointId, t.id),
    index('deliveries_app_id_status_id_idx').on(t.appId, t.status, t.id),
    // The reconciler reads pending deliveries whose next attempt is due (attempt 1 is due when created).
    index('deliveries_pending_due_idx')
      .on(sql`coalesce(${t.nextAttemptAt}, ${t.createdAt})`)
      .where(sql`${t.status} = 'pending'`),
    // The reconciler's second pass reads failed deliveries not yet found without their dead letter:
    // only those are probed, never the whole table.
    index('deliveries_failed_unchecked_idx')
      .on(t.updatedAt)
      .where(sql`${t.status} = 'failed' and ${t.deadLetterLost} is null`),
    // A line: the pending deliveries of one (endpoint, ordering key) in order. Publishing asks whether a
    // line is empty, ending a head finds the next, the reconciler asks whether a delivery is a head.
    index('deliveries_ordering_line_idx')
      .on(t.endpointId, t.orderingKey, t.orderingSeq)
      .where(sql`${t.status} = 'pending' and ${t.orderingKey} is not null`),
  ],
);

export const attemptTriggers = ['scheduled', 'manual'] as const;
export type AttemptTrigger = (typeof attemptTriggers)[number];

/** What happened on one HTTP request of a delivery, and what Hookline decided because of it. */
export const attempts = pgTable(
  'attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    responseStatus: integer('response_status'),
    // Capped at HOOKLINE_RESPONSE_BODY_LIMIT_BYTES by the sender; the rest is never read.
    responseBody: text('response_body'),
    error: text('error'),
    // Coarse failure kind (http_status, timeout, connection, dns, tls, …) for rules and dashboards.
    errorClass: text('error_class'),
    // Which row of the retry classification decided what came next (see retry-policy.ts).
    rule: text('rule').notNull(),
    // When the next attempt is due; null when this one ended the delivery (delivered or dead-lettered).
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    trigger: text('trigger').$type<AttemptTrigger>().notNull().default('scheduled'),
    // The pg-boss job that made this attempt: a re-run of that same job after a crash settles the
    // job the way the attempt decided, while any other job for the same attempt is a duplicate.
    jobId: text('job_id'),
    createdAt: createdAt(),
  },
  (t) => [
    // One row per attempt number: two jobs racing for the same attempt (a lease that expired during a
    // slow request, a manual retry beside the scheduled one) cannot both record it. deliveries.get
    // lists a delivery's attempts in order through the same index.
    uniqueIndex('attempts_delivery_id_number_idx').on(t.deliveryId, t.number),
  ],
);
