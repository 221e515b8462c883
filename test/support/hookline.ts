import { startApi, type StartApiOptions } from '@hookline/api';
import { createHooklineClient } from '@hookline/client';
import { createDatabase } from '@hookline/db';
import { startDelivery, type StartDeliveryOptions } from '@hookline/delivery';
import { loopbackCidrs } from '@hookline/egress';
import { silentLog } from '@hookline/log';
import { generateEncryptionKeyText, parseEncryptionKey } from '@hookline/signing-keys';
import { createTestDatabase } from './database';

export const testAdminKey = 'hk_test_admin_key_0123456789abcdef';

/**
 * Test receivers listen on 127.0.0.1, which production settings refuse (SSRF rules), so the harness
 * allows loopback unless a test passes its own `allowedCidrs` (test/ssrf.test.ts passes none).
 */
export const testAllowedCidrs = loopbackCidrs;

/**
 * A whole Hookline on a fresh database: the API on 127.0.0.1:0 and (unless `worker: false`) a
 * delivery worker, with retry schedules short enough to run in a test.
 */
export async function startHookline({
  worker = true,
  api: apiOptions = {},
  delivery: deliveryOptions = {},
}: {
  worker?: boolean;
  api?: Partial<StartApiOptions>;
  delivery?: Partial<StartDeliveryOptions>;
} = {}) {
  const databaseUrl = await createTestDatabase();
  // One key per Hookline, shared by its API and worker as in a deployment.
  const encryptionKey = parseEncryptionKey(generateEncryptionKeyText());
  const api = await startApi({
    databaseUrl,
    host: '127.0.0.1',
    port: 0,
    adminKey: testAdminKey,
    maxPayloadBytes: 256 * 1024,
    log: silentLog,
    encryptionKey,
    allowedCidrs: testAllowedCidrs,
    ...apiOptions,
  });
  const delivery = worker
    ? await startDelivery({
        databaseUrl,
        log: silentLog,
        retrySchedule: [0.05, 0.1, 0.2],
        requestTimeoutMs: 2_000,
        pollIntervalSeconds: 0.5,
        encryptionKey,
        allowedCidrs: testAllowedCidrs,
        ...deliveryOptions,
      })
    : null;
  const database = createDatabase(databaseUrl, { max: 2 });
  const client = createHooklineClient({ url: api.url, apiKey: testAdminKey });

  return {
    databaseUrl,
    url: api.url,
    encryptionKey,
    client,
    /** Direct SQL for assertions. */
    sql: database.sql,
    db: database.db,
    clientFor: (apiKey: string) => createHooklineClient({ url: api.url, apiKey }),
    stop: async () => {
      await delivery?.stop();
      await api.stop();
      await database.close();
    },
  };
}

export type TestHookline = Awaited<ReturnType<typeof startHookline>>;
