import { apiKeys, newId, type Database } from '@hookline/db';
import { isNull } from 'drizzle-orm';
import { apiKeyPrefix, hashApiKey } from '../auth/api-key-hash';
import { createApiKey } from './api-keys';

/**
 * Makes sure an admin can log in. A configured HOOKLINE_ADMIN_KEY is registered (once); without
 * one, the first start generates a key and returns it so it can be printed exactly once.
 */
export async function ensureAdminKey(
  db: Database,
  configuredKey: string | undefined,
): Promise<{ generatedKey: string | null }> {
  if (configuredKey) {
    await db
      .insert(apiKeys)
      .values({
        id: newId('key'),
        appId: null,
        name: 'HOOKLINE_ADMIN_KEY',
        keyHash: hashApiKey(configuredKey),
        keyPrefix: apiKeyPrefix(configuredKey),
      })
      .onConflictDoNothing({ target: apiKeys.keyHash });
    return { generatedKey: null };
  }
  const [existing] = await db.select({ id: apiKeys.id }).from(apiKeys).where(isNull(apiKeys.appId)).limit(1);
  if (existing) return { generatedKey: null };
  const { key } = await createApiKey(db, { appId: null, name: 'generated admin key' });
  return { generatedKey: key };
}
