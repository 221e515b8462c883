import { getEventType } from '@hookline/schema';
import type { AppErrorCode } from './errors';

/**
 * What each REST operation answers, as an example for the document and the reference page. The
 * contract test validates every example against its operation's response schema, so an example that
 * drifts from the wire shape fails the test rather than misleading a reader.
 */

const at = '2026-01-15T09:30:00.000Z';
const later = '2026-01-15T09:30:02.000Z';
const appId = 'app_01JH3C5Q2X7YB8N4K6W9M0T1VZ';
const endpointId = 'ep_01JH3C6A1V8T3K2M9N4P5Q6R7S';
const eventId = 'evt_01JH3C7B2W9U4L3N0P5Q6R7S8T';
const deliveryId = 'dlv_01JH3C7B2X0V5M4P1Q6R7S8T9U';
const keyId = 'key_01JH3C8C3Y1W6N5Q2R7S8T9U0V';
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const application = { id: appId, name: 'Shop', createdAt: at };
const endpoint = {
  id: endpointId,
  appId,
  url: 'https://shop.example.com/webhooks',
  description: 'Order service',
  eventTypes: ['order.*'],
  versionPins: { 'order.created': '1.0' },
  enabled: true,
  disabledReason: null,
  retrySchedule: null,
  filter: { 'data.status': { $in: ['shipped', 'delivered'] }, 'data.amount': { $gte: 100 } },
  headers: { authorization: '********' },
  rateLimit: 50,
  maxInFlight: 10,
  signing: 'hmac',
  publicKey: null,
  consecutiveFailures: 0,
  failingSince: null,
  createdAt: at,
  updatedAt: at,
};
// The catalog's own example, so the page never shows a payload its schema would refuse.
const orderCreatedType = getEventType('order.created')!;
const orderCreated = orderCreatedType.versions.find((v) => v.version === '1.0')!.example;
const event = {
  id: eventId,
  appId,
  type: 'order.created',
  version: '1.0',
  data: orderCreated,
  idempotencyKey: 'ord_123-created',
  orderingKey: 'ord_123',
  createdAt: at,
};
const delivery = {
  id: deliveryId,
  appId,
  eventId,
  endpointId,
  status: 'delivered',
  attemptCount: 1,
  nextAttemptAt: null,
  lastAttemptAt: later,
  deadLetterLost: null,
  createdAt: at,
};
const attempt = {
  id: 'atm_01JH3C7C3Z2X7N6Q3R8S9T0U1W',
  number: 1,
  startedAt: later,
  durationMs: 84,
  responseStatus: 200,
  responseBody: '{"ok":true}',
  error: null,
  errorClass: null,
  rule: 'success',
  nextAttemptAt: null,
  trigger: 'scheduled',
};
const published = { id: eventId, duplicate: false, deliveries: [{ id: deliveryId, endpointId }], warnings: [] };
const signingKeys = {
  endpointId,
  signing: 'hmac',
  secret,
  publicKey: null,
  keys: [{ signing: 'hmac', secret, publicKey: null, createdAt: at, expiresAt: null }],
};
const apiKey = { id: keyId, appId, name: 'shop backend', prefix: 'hk_3xV9', createdAt: at, revokedAt: null };
const deadLetter = {
  id: '0f8c7a52-3b1e-4d2a-9c6f-5e4d3c2b1a09',
  deliveryId,
  eventId,
  eventType: 'order.created',
  endpointId,
  endpointUrl: endpoint.url,
  appId,
  attempts: 8,
  deliveryStatus: 'failed',
  error: 'HTTP 500',
  rule: 'schedule_exhausted',
  deadLetteredAt: later,
};
const eventType = orderCreatedType;
const page = <T>(item: T) => ({ items: [item], nextCursor: null });

/** The 200 body of each operation, by operationId. */
export const responseExamples: Record<string, unknown> = {
  health: { status: 'ok' },
  'applications-create': application,
  'applications-list': page(application),
  'applications-get': application,
  // The one answer that shows header values, as the create call set them.
  'endpoints-create': { ...endpoint, headers: { authorization: 'Bearer rk_live_51HqZ2' }, secret },
  'endpoints-list': page(endpoint),
  'endpoints-get': endpoint,
  'endpoints-update': { ...endpoint, description: 'Order service (EU)' },
  'endpoints-delete': { id: endpointId, deleted: true },
  'endpoints-getSecret': signingKeys,
  'endpoints-rotateSecret': {
    ...signingKeys,
    secret: 'whsec_Q2xEbm9wcXJzdHV2d3h5ejAxMjM0NTY3',
    keys: [
      {
        signing: 'hmac',
        secret: 'whsec_Q2xEbm9wcXJzdHV2d3h5ejAxMjM0NTY3',
        publicKey: null,
        createdAt: later,
        expiresAt: null,
      },
      { signing: 'hmac', secret, publicKey: null, createdAt: at, expiresAt: '2026-01-16T09:30:02.000Z' },
    ],
  },
  'events-publish': published,
  'events-publishBatch': { events: [published] },
  'events-get': event,
  'events-list': page(event),
  'events-resend': {
    ...delivery,
    id: 'dlv_01JH3D0A1B2C3D4E5F6G7H8J9K',
    status: 'pending',
    attemptCount: 0,
    lastAttemptAt: null,
  },
  'deliveries-list': page(delivery),
  'deliveries-get': { ...delivery, attempts: [attempt] },
  'deliveries-retry': { ...delivery, status: 'pending', nextAttemptAt: later },
  'eventTypes-list': [eventType],
  'eventTypes-get': eventType,
  'stats-overview': {
    appId: null,
    queueDepth: 42,
    deliveriesPerSecond: 12.5,
    windowSeconds: 60,
    deadLetters: 3,
    disabledEndpoints: 1,
    endpoints: 8,
  },
  'stats-tables': {
    tables: [
      { table: 'events', bytes: 52_428_800 },
      { table: 'deliveries', bytes: 8_388_608 },
    ],
  },
  'apiKeys-create': { ...apiKey, key: 'hk_3xV9kQ2mP7rT5wY8zA1bC4dE6fG9hJ0k' },
  'apiKeys-list': page(apiKey),
  'apiKeys-revoke': { ...apiKey, revokedAt: later },
  'deadLetters-list': page(deadLetter),
  'deadLetters-replay': { dryRun: false, replayed: 1, endpointDisabled: 0, hasMore: false, notFound: [] },
};

/** An error body for each status an operation may declare. */
export const errorExamples: Record<number, { code: AppErrorCode | 'internal'; message: string; issues?: unknown[] }> = {
  400: {
    code: 'validation',
    message: 'data.amount: Invalid input: expected number, received string',
    issues: [{ path: ['data', 'amount'], message: 'Invalid input: expected number, received string' }],
  },
  401: { code: 'unauthorized', message: 'unknown or revoked API key' },
  403: { code: 'forbidden', message: 'this operation needs an admin API key' },
  404: { code: 'not_found', message: `endpoint ${endpointId} was not found` },
  409: { code: 'conflict', message: 'the endpoint is disabled; enable it first' },
  413: {
    code: 'payload_too_large',
    message:
      'request body is larger than the limit of 1048576 bytes (HOOKLINE_MAX_PAYLOAD_BYTES); split a batch into smaller ones',
  },
  415: { code: 'validation', message: 'Missing content-type header' },
  429: { code: 'rate_limited', message: 'too many requests; retry later' },
  500: { code: 'internal', message: 'Internal server error' },
  503: { code: 'unavailable', message: 'the database is unavailable; nothing was stored, retry shortly' },
};
