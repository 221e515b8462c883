import type { apiKeys } from '@hookline/db';
import { z } from 'zod';

/**
 * An API key as listed: never the key itself. `prefix` tells keys apart: the first characters of a
 * generated key, or `fingerprint:…` (from its keyed hash) for the configured HOOKLINE_ADMIN_KEY.
 */
export const ApiKey = z.object({
  id: z.string(),
  /** Null for an admin key (every application). */
  appId: z.string().nullable(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string().datetime(),
  revokedAt: z.string().datetime().nullable(),
});
type ApiKey = z.infer<typeof ApiKey>;

/** Only the create call returns the key; it is stored as a hash and cannot be shown again. */
export const ApiKeyWithSecret = ApiKey.extend({ key: z.string() });

export function toApiKeyDto(row: typeof apiKeys.$inferSelect): ApiKey {
  return {
    id: row.id,
    appId: row.appId,
    name: row.name,
    prefix: row.keyPrefix,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
