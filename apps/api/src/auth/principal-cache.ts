import type { Database } from '@hookline/db';
import type { EncryptionKey } from '@hookline/signing-keys';
import { authenticateApiKey } from './authenticate-api-key';
import type { Principal } from './principal';

/**
 * How long an API key's principal is remembered, in ms: a busy caller then costs one lookup every
 * few seconds instead of one per request (a round trip on the hottest path). It is also the longest a
 * key revoked through another API process keeps working there (docs/security.md); the process that
 * revokes it forgets at once.
 */
export const principalCacheMs = 5_000;

/** Keys remembered at most; past this the cache starts again, so random keys cannot grow it. */
const maxCachedKeys = 10_000;

export type PrincipalCache = {
  /** The principal `key` stands for; null for an unknown or revoked key (never remembered). */
  authenticate(key: string): Promise<Principal | null>;
  /** Forgets every key, after a revocation. */
  forgetAll(): void;
};

export function createPrincipalCache(
  { db, encryptionKey }: { db: Database; encryptionKey: EncryptionKey },
  now: () => number = performance.now.bind(performance),
): PrincipalCache {
  // Keyed by the key itself: it is in this process's memory for the request anyway, and hashing it
  // first would cost the HMAC the cache saves.
  const known = new Map<string, { principal: Principal; until: number }>();
  return {
    authenticate: async (key) => {
      const cached = known.get(key);
      if (cached && cached.until > now()) return cached.principal;
      const principal = await authenticateApiKey(db, encryptionKey, key);
      if (principal === null) known.delete(key);
      else {
        if (known.size >= maxCachedKeys) known.clear();
        known.set(key, { principal, until: now() + principalCacheMs });
      }
      return principal;
    },
    forgetAll: () => known.clear(),
  };
}
