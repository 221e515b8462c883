import { createHash, randomBytes } from 'node:crypto';
import { apiKeys, newId, type Database } from '@hookline/db';
import { and, eq, isNull } from 'drizzle-orm';

/** Who is calling: an admin may touch every application, an application key only its own. */
export type Principal = { kind: 'admin' } | { kind: 'application'; appId: string };

// Keys are recognisable ("hk_" like Stripe's "sk_") and carry 32 random bytes.
const keyPrefix = 'hk_';

export function generateApiKey(): string {
  return keyPrefix + randomBytes(32).toString('base64url');
}

// A fast hash is right here: the key is 256 random bits, so there is nothing to brute-force.
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  db: Database,
  { appId, name, key = generateApiKey() }: { appId: string | null; name: string; key?: string },
) {
  const [row] = await db
    .insert(apiKeys)
    .values({ id: newId('key'), appId, name, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 8) })
    .returning();
  return { id: row!.id, key, row: row! };
}

export async function findPrincipal(db: Database, key: string): Promise<Principal | null> {
  const [row] = await db
    .select({ appId: apiKeys.appId })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  return row.appId === null ? { kind: 'admin' } : { kind: 'application', appId: row.appId };
}

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
        keyPrefix: configuredKey.slice(0, 8),
      })
      .onConflictDoNothing({ target: apiKeys.keyHash });
    return { generatedKey: null };
  }
  const [existing] = await db.select({ id: apiKeys.id }).from(apiKeys).where(isNull(apiKeys.appId)).limit(1);
  if (existing) return { generatedKey: null };
  const { key } = await createApiKey(db, { appId: null, name: 'generated admin key' });
  return { generatedKey: key };
}
