import { createHash } from 'node:crypto';
import { loadApiEnv } from '@hookline/api';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';

/**
 * The configured admin key (HOOKLINE_ADMIN_KEY) is the one key a person chooses. A database dump must
 * not help guess it: no characters of it are stored, and its hash is keyed with a secret the database
 * never holds. Configuring another key retires the previous one.
 */
const firstKey = 'hk_first_configured_admin_key_0123456789';
const secondKey = 'hk_second_configured_admin_key_987654321';
const running: TestHookline[] = [];
afterAll(async () => {
  for (const h of running) await h.stop();
});

async function start(databaseUrl: string, adminKey: string) {
  const hookline = await startHookline({ worker: false, databaseUrl, api: { adminKey } });
  running.push(hookline);
  return hookline;
}

const unkeyedHash = (key: string) => createHash('sha256').update(key).digest('hex');

describe('the configured admin key', () => {
  it('is stored as a keyed hash with a fingerprint, never a prefix of itself', async () => {
    const hookline = await start(await createTestDatabase(), firstKey);
    const [row] = await hookline.sql`select key_hash, key_prefix, configured from api_keys where configured`;
    expect(row!.key_hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(row!.key_hash).not.toContain(unkeyedHash(firstKey));
    expect(row!.key_prefix).toMatch(/^fingerprint:[0-9a-f]{12}$/);
    const dump = JSON.stringify(await hookline.sql`select * from api_keys`);
    expect(dump).not.toContain(firstKey.slice(0, 8));
    const listed = await hookline.clientFor(firstKey).apiKeys.list.query({});
    expect(listed.items.map((k) => k.prefix)).toContain(row!.key_prefix);
  });

  it('revokes the previous configured key when HOOKLINE_ADMIN_KEY changes', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await start(databaseUrl, firstKey);
    expect((await first.clientFor(firstKey).applications.list.query({})).items).toBeDefined();
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start(databaseUrl, secondKey);
    await expect(second.clientFor(firstKey).applications.list.query({})).rejects.toThrow(/revoked|unknown/);
    expect((await second.clientFor(secondKey).applications.list.query({})).items).toBeDefined();
    const rows = await second.sql`select configured, revoked_at from api_keys where configured order by created_at`;
    expect(rows.map((r) => r.revoked_at !== null)).toEqual([true, false]);
  });

  it('upgrades hashes stored unkeyed by older versions at start, and the keys keep working', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await start(databaseUrl, testAdminKey);
    const legacyKey = 'hk_a_key_from_before_keyed_hashes_0123456789';
    await first.sql`insert into api_keys (id, app_id, name, key_hash, key_prefix)
                    values ('key_legacy', null, 'legacy', ${unkeyedHash(legacyKey)}, 'hk_a_key')`;
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start(databaseUrl, testAdminKey);
    const [row] = await second.sql`select key_hash from api_keys where id = 'key_legacy'`;
    expect(row!.key_hash).toMatch(/^hmac-sha256:/);
    expect((await second.clientFor(legacyKey).applications.list.query({})).items).toBeDefined();
  });

  it('must be at least 32 characters', () => {
    expect(() => loadApiEnv({ HOOKLINE_ADMIN_KEY: 'x'.repeat(31) })).toThrow(/HOOKLINE_ADMIN_KEY: must be at least 32/);
    expect(loadApiEnv({ HOOKLINE_ADMIN_KEY: 'x'.repeat(32) }).HOOKLINE_ADMIN_KEY).toHaveLength(32);
  });
});
