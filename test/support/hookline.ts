import { startApi, type StartApiOptions } from '@hookline/api';
import { createHooklineClient } from '@hookline/client';
import { createDatabase } from '@hookline/db';
import { createQueueClient, type QueueClient } from '@hookline/pipeline';
import { startDelivery, type RunningDelivery, type StartDeliveryOptions } from '@hookline/delivery';
import { loopbackCidrs } from '@hookline/egress';
import { silentLog } from '@hookline/log';
import { parseEncryptionKey } from '@hookline/signing-keys';
import { createTestDatabase } from './database';
import { startReceiver } from './receiver';
import { afterAll, beforeAll } from 'vitest';

export const testAdminKey = 'hk_test_admin_key_0123456789abcdef';

/**
 * One fixed key for every test Hookline (32 bytes, base64): an API, the workers it starts later and
 * worker processes on the same database must all open the same secrets, as in a deployment.
 */
export const testEncryptionKeyText = 'aG9va2xpbmUgdGVzdCBlbmNyeXB0aW9uIGtleSB2MSE=';
export const testEncryptionKey = parseEncryptionKey(testEncryptionKeyText);

/**
 * Test receivers listen on 127.0.0.1, which production settings refuse (SSRF rules), so the harness
 * allows loopback unless a test passes its own `allowedCidrs` (test/ssrf.test.ts passes none).
 */
export const testAllowedCidrs = loopbackCidrs;

/** Worker settings that let a test watch a whole retry schedule in well under a second. */
export const testDeliveryOptions = {
  log: silentLog,
  retrySchedule: [0.05, 0.1, 0.2],
  // 429 and timeouts would otherwise wait a minute.
  minThrottleDelaySeconds: 0.05,
  requestTimeoutMs: 2_000,
  pollIntervalSeconds: 0.5,
  encryptionKey: testEncryptionKey,
  allowedCidrs: testAllowedCidrs,
} satisfies Partial<StartDeliveryOptions>;

/**
 * A whole Hookline on a fresh database (or on `databaseUrl`): the API on 127.0.0.1:0 and (unless
 * `worker: false`) a delivery worker, with retry schedules short enough to run in a test.
 * `startWorker` adds a worker later, with other settings; `stop` stops all of them.
 */
export async function startHookline({
  worker = true,
  databaseUrl: givenDatabaseUrl,
  api: apiOptions = {},
  delivery: deliveryOptions = {},
}: {
  worker?: boolean;
  databaseUrl?: string;
  api?: Partial<StartApiOptions>;
  delivery?: Partial<StartDeliveryOptions>;
} = {}) {
  const databaseUrl = givenDatabaseUrl ?? (await createTestDatabase());
  const api = await startApi({
    databaseUrl,
    host: '127.0.0.1',
    port: 0,
    adminKey: testAdminKey,
    maxPayloadBytes: 256 * 1024,
    log: silentLog,
    encryptionKey: testEncryptionKey,
    allowedCidrs: testAllowedCidrs,
    ...apiOptions,
  });
  const workers: RunningDelivery[] = [];
  const startWorker = async (options: Partial<StartDeliveryOptions> = {}) => {
    const running = await startDelivery({ databaseUrl, ...testDeliveryOptions, ...options });
    workers.push(running);
    return running;
  };
  if (worker) await startWorker(deliveryOptions);
  const database = createDatabase(databaseUrl, { max: 2 });
  const client = createHooklineClient({ url: api.url, apiKey: testAdminKey });
  let queue: Promise<QueueClient> | null = null;

  return {
    databaseUrl,
    url: api.url,
    encryptionKey: testEncryptionKey,
    client,
    /** Direct SQL for assertions. */
    sql: database.sql,
    db: database.db,
    clientFor: (apiKey: string) => createHooklineClient({ url: api.url, apiKey }),
    /** One REST call (`/api/v1` + path) with the admin key: its status and its JSON body. */
    rest: async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${api.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    startWorker,
    /** A started pg-boss client on the same database (for calls such as the reconciler's); stopped by `stop`. */
    queueClient: () =>
      (queue ??= (async () => {
        const boss = createQueueClient({ connectionString: databaseUrl, max: 2, onError: () => {} });
        await boss.start();
        return boss;
      })()),
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      if (queue) await (await queue).stop({ graceful: false });
      await api.stop();
      await database.close();
    },
  };
}

export type TestHookline = Awaited<ReturnType<typeof startHookline>>;

/**
 * The usual pair for a test file: a Hookline and a receiver, started before its tests and stopped
 * after. Read them from the returned object inside tests (`env.hookline.client…`).
 */
export function useHooklineAndReceiver(options: Parameters<typeof startHookline>[0] = {}) {
  const env = {} as { hookline: TestHookline; receiver: Awaited<ReturnType<typeof startReceiver>> };
  beforeAll(async () => {
    env.hookline = await startHookline(options);
    env.receiver = await startReceiver();
  });
  afterAll(async () => {
    await env.hookline?.stop();
    await env.receiver?.close();
  });
  return env;
}
