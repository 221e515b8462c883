import { apiKeys, newId, type Database } from '@hookline/db';
import type { EncryptionKey } from '@hookline/signing-keys';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { configuredKeyFingerprint, hashApiKey } from '../auth/api-key-hash';
import { createApiKey } from './api-keys';

/**
 * Makes sure an admin can log in. A configured HOOKLINE_ADMIN_KEY is registered as its keyed hash and
 * a fingerprint (never its characters), and every previously configured key is revoked: changing the
 * setting is how an operator rotates it. Without one, the first start generates a key and returns it
 * so it can be printed exactly once.
 */
export async function ensureAdminKey(
  db: Database,
  encryptionKey: EncryptionKey,
  configuredKey: string | undefined,
): Promise<{ generatedKey: string | null }> {
  if (configuredKey) {
    const keyHash = hashApiKey(encryptionKey, configuredKey);
    await db.transaction(async (tx) => {
      // A key revoked through the API stays revoked even if it is still configured.
      await tx
        .insert(apiKeys)
        .values({
          id: newId('key'),
          appId: null,
          name: 'HOOKLINE_ADMIN_KEY',
          keyHash,
          keyPrefix: configuredKeyFingerprint(keyHash),
          configured: true,
        })
        .onConflictDoUpdate({
          target: apiKeys.keyHash,
          set: { keyPrefix: configuredKeyFingerprint(keyHash), configured: true },
        });
      await tx
        .update(apiKeys)
        .set({ revokedAt: new Date() })
        .where(and(eq(apiKeys.configured, true), isNull(apiKeys.revokedAt), ne(apiKeys.keyHash, keyHash)));
    });
    return { generatedKey: null };
  }
  // API processes starting at the same moment on a fresh database would each find no admin key and
  // make one; the lock lets the first make it and the others find it.
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${adminKeyLockKey})`);
    const [existing] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(isNull(apiKeys.appId)).limit(1);
    if (existing) return { generatedKey: null };
    const { key } = await createApiKey(tx, encryptionKey, { appId: null, name: 'generated admin key' });
    return { generatedKey: key };
  });
}

// Any constant works; it only has to be the same in every API process, and differ from the migrations' lock.
const adminKeyLockKey = 727_002;
