import { apiKeys, type Database } from '@hookline/db';
import type { EncryptionKey } from '@hookline/signing-keys';
import { and, eq, not, like } from 'drizzle-orm';
import { keyedHashOfDigest, keyedHashTag } from '../auth/api-key-hash';

/**
 * Older versions stored an API key as its unkeyed SHA-256. The keyed hash is an HMAC of that same
 * digest, so each such row is upgraded here, at start, without knowing its key (SQL cannot do it: the
 * HMAC key comes from HOOKLINE_ENCRYPTION_KEY, which the database never sees). Every key keeps working;
 * none is accepted by its unkeyed hash afterwards. Returns how many rows were upgraded.
 */
export async function upgradeApiKeyHashes(db: Database, encryptionKey: EncryptionKey): Promise<number> {
  const legacy = await db
    .select({ id: apiKeys.id, keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .where(not(like(apiKeys.keyHash, `${keyedHashTag}%`)));
  for (const row of legacy) {
    // Conditional on the old hash, so two APIs starting at once upgrade each row once.
    await db
      .update(apiKeys)
      .set({ keyHash: keyedHashOfDigest(encryptionKey, row.keyHash) })
      .where(and(eq(apiKeys.id, row.id), eq(apiKeys.keyHash, row.keyHash)));
  }
  return legacy.length;
}
