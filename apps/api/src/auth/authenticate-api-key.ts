import { apiKeys, type Database } from '@hookline/db';
import type { EncryptionKey } from '@hookline/signing-keys';
import { and, eq, isNull } from 'drizzle-orm';
import { hashApiKey } from './api-key-hash';
import type { Principal } from './principal';

/** The principal an API key stands for; null for an unknown or revoked key. */
export async function authenticateApiKey(
  db: Database,
  encryptionKey: EncryptionKey,
  key: string,
): Promise<Principal | null> {
  const [row] = await db
    .select({ appId: apiKeys.appId })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(encryptionKey, key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  return row.appId === null ? { kind: 'admin' } : { kind: 'application', appId: row.appId };
}
