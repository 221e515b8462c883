import { startApi, type StartApiOptions } from '@hookline/api';
import { createHooklineClient } from '@hookline/client';
import { createDatabase } from '@hookline/db';
import { startDelivery, type StartDeliveryOptions } from '@hookline/delivery';
import { silentLog } from '@hookline/log';
import { createTestDatabase } from './database';

export const testAdminKey = 'hk_test_admin_key_0123456789abcdef';

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
  const api = await startApi({
    databaseUrl,
    host: '127.0.0.1',
    port: 0,
    adminKey: testAdminKey,
    maxPayloadBytes: 256 * 1024,
    log: silentLog,
    ...apiOptions,
  });
  const delivery = worker
    ? await startDelivery({
        databaseUrl,
        log: silentLog,
        retrySchedule: [0.05, 0.1, 0.2],
        requestTimeoutMs: 2_000,
        pollIntervalSeconds: 0.5,
        ...deliveryOptions,
      })
    : null;
  const database = createDatabase(databaseUrl, { max: 2 });
  const client = createHooklineClient({ url: api.url, apiKey: testAdminKey });

  return {
    databaseUrl,
    url: api.url,
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
