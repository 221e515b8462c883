import { signingSchemes, type endpoints } from '@hookline/db';
import { z } from 'zod';
import { EndpointFilterShown, toFilterDto } from './endpoint-filter';
import { EndpointHeadersShown, maskHeaders } from './endpoint-headers';

export const Endpoint = z.object({
  id: z.string(),
  appId: z.string(),
  url: z.string(),
  description: z.string(),
  /** Subscription patterns; null means every event type. */
  eventTypes: z.array(z.string()).nullable(),
  /** Event type → the version this endpoint receives; types not listed arrive as published. */
  versionPins: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  retrySchedule: z.array(z.number()).nullable(),
  filter: EndpointFilterShown,
  headers: EndpointHeadersShown,
  /** Requests per second at most, over every worker; null: no limit. */
  rateLimit: z.number().nullable(),
  /** Requests running at once at most, over every worker. */
  maxInFlight: z.number().int(),
  /** How requests are signed: `hmac` (v1, shared whsec_ secret) or `ed25519` (v1a, key pair). */
  signing: z.enum(signingSchemes),
  /** For ed25519, the current whpk_ public key receivers verify with; null for hmac. */
  publicKey: z.string().nullable(),
  /** Failed attempts since the last success; reset by a success or by re-enabling. */
  consecutiveFailures: z.number().int(),
  /** When the current run of failures began; after HOOKLINE_ENDPOINT_DISABLE_AFTER_DAYS it is disabled. */
  failingSince: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
type Endpoint = z.infer<typeof Endpoint>;

/**
 * Only the create call returns the secret; afterwards it is read with endpoints.getSecret.
 * Null for ed25519 endpoints: their signing key never leaves Hookline; receivers use `publicKey`.
 * Its `headers` are in the clear: the one time they are shown.
 */
export const EndpointWithSecret = Endpoint.extend({ secret: z.string().nullable() });

export function toEndpointDto(row: typeof endpoints.$inferSelect): Endpoint {
  const current = row.signingKeys[0];
  return {
    id: row.id,
    appId: row.appId,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    versionPins: row.versionPins,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    retrySchedule: row.retrySchedule,
    filter: toFilterDto(row.filter),
    headers: maskHeaders(row.headers),
    rateLimit: row.rateLimit,
    maxInFlight: row.maxInFlight,
    signing: current?.signing ?? 'hmac',
    publicKey: current?.publicKey ?? null,
    consecutiveFailures: row.consecutiveFailures,
    failingSince: row.failingSince?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
