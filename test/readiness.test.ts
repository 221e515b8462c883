import { createDatabaseIfMissing, createDatabase, databaseUrlFor, migrationsApplied } from '@hookline/db';
import type { RunningDelivery } from '@hookline/delivery';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase } from './support/database';
import { startHookline, type TestHookline } from './support/hookline';
import { startTcpProxy } from './support/tcp-proxy';

const probe = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
};

describe('/health and /ready while the database goes away and comes back', () => {
  let hookline: TestHookline;
  let worker: RunningDelivery;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    proxy = await startTcpProxy(databaseUrl);
    // The API and the worker reach PostgreSQL only through the proxy; the test's own SQL goes around it.
    hookline = await startHookline({ databaseUrl, api: { databaseUrl: proxy.url }, worker: false });
    worker = await hookline.startWorker({ databaseUrl: proxy.url, statusServer: { host: '127.0.0.1', port: 0 } });
  });
  afterAll(async () => {
    await proxy?.up().catch(() => {});
    await hookline?.stop();
    await proxy?.close();
  });

  it('answers 503 with the reason while PostgreSQL is unreachable, and 200 again once it is back', async () => {
    const readyUrls = [`${hookline.url}/ready`, `${worker.statusUrl}/ready`];
    const healthUrls = [`${hookline.url}/health`, `${worker.statusUrl}/health`];
    for (const url of readyUrls) expect(await probe(url)).toEqual({ status: 200, body: { status: 'ready' } });

    await proxy.down();
    for (const url of readyUrls) {
      const answer = await probe(url);
      expect(answer.status).toBe(503);
      expect(answer.body.reason).toMatch(/database/);
    }
    // Alive all the same: /health never asks the database.
    for (const url of healthUrls) expect((await probe(url)).status).toBe(200);

    await proxy.up();
    for (const url of readyUrls) {
      await expect.poll(async () => (await probe(url)).status, { timeout: 15_000, interval: 200 }).toBe(200);
    }
  });
});

describe('migrationsApplied', () => {
  it('is true on a migrated database and false on one never migrated', async () => {
    const migrated = createDatabase(await createTestDatabase(), { max: 1 });
    const name = `hookline_test_${inject('testRunId')}_${randomBytes(4).toString('hex')}_empty`;
    await createDatabaseIfMissing(inject('adminDatabaseUrl'), name);
    const empty = createDatabase(databaseUrlFor(inject('adminDatabaseUrl'), name), { max: 1 });
    try {
      expect(await migrationsApplied(migrated.db)).toBe(true);
      expect(await migrationsApplied(empty.db)).toBe(false);
    } finally {
      await migrated.close();
      await empty.close();
    }
  });
});
