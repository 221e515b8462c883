import { apiKeys, newId, type Database, type Transaction } from '@hookline/db';
import { and, desc, eq, isNull, lt, ne } from 'drizzle-orm';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../auth/api-key-hash';
import type { Principal } from '../auth/principal';
import type { EncryptionKey } from '@hookline/signing-keys';
import { assertAdmin, visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { AppError, notFound } from '../errors';
import { toApiKeyDto } from '../dto/api-key';
import { toPageDto } from '../dto/page';
import { getApplication } from './applications';

/** Stores a new generated key as its keyed hash; the key itself is returned, to show once. */
export async function createApiKey(
  db: Database | Transaction,
  encryptionKey: EncryptionKey,
  { appId, name }: { appId: string | null; name: string },
) {
  const key = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({ id: newId('key'), appId, name, keyHash: hashApiKey(encryptionKey, key), keyPrefix: apiKeyPrefix(key) })
    .returning();
  return { id: row!.id, key, row: row! };
}

/**
 * A new key, shown once. `appId` null makes an admin key, which only an admin may do; an
 * application key may make more keys for its own application (to rotate itself).
 */
export async function createKey(deps: ApiDeps, principal: Principal, input: { appId: string | null; name: string }) {
  if (input.appId === null) assertAdmin(principal);
  else await getApplication(deps, principal, { appId: input.appId });
  const { row, key } = await createApiKey(deps.db, deps.encryptionKey, input);
  return { ...toApiKeyDto(row), key };
}

export async function listKeys(
  deps: ApiDeps,
  principal: Principal,
  input: { appId?: string; cursor?: string; limit: number },
) {
  if (input.appId !== undefined) await getApplication(deps, principal, { appId: input.appId });
  const appId = input.appId ?? visibleAppId(principal);
  const rows = await deps.db
    .select()
    .from(apiKeys)
    .where(and(appId ? eq(apiKeys.appId, appId) : undefined, input.cursor ? lt(apiKeys.id, input.cursor) : undefined))
    .orderBy(desc(apiKeys.id))
    .limit(input.limit + 1);
  return toPageDto(rows, input.limit, toApiKeyDto);
}

/** Revokes a key at once (the next request with it gets 401). Revoking a revoked key changes nothing. */
export async function revokeKey(deps: ApiDeps, principal: Principal, input: { keyId: string }) {
  const appId = visibleAppId(principal);
  const result = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.keyId), appId ? eq(apiKeys.appId, appId) : undefined))
      .for('update');
    if (!row) throw notFound('API key', input.keyId);
    if (row.revokedAt) return toApiKeyDto(row);
    if (row.appId === null) {
      // Locks every other live admin key too, so two concurrent revocations cannot remove the last two.
      const others = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(isNull(apiKeys.appId), isNull(apiKeys.revokedAt), ne(apiKeys.id, row.id)))
        .for('update');
      if (others.length === 0) {
        throw new AppError(
          'conflict',
          `API key ${row.id} is the last admin key; create another admin key before revoking it`,
        );
      }
    }
    const [revoked] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, row.id)).returning();
    return toApiKeyDto(revoked!);
  });
  // This process stops accepting the key at once; others within principalCacheMs.
  deps.principals.forgetAll();
  return result;
}
