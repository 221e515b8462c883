import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDatabaseIfMissing, databaseUrlFor, migrate } from '@hookline/db';
import { startEmbeddedPostgres, type EmbeddedServer } from '@hookline/db/embedded';
import { createQueueClient, ensureQueues } from '@hookline/pipeline';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
    testRunId: string;
  }
}

/**
 * One PostgreSQL for the whole run (DATABASE_URL, or embedded in a temporary directory), and one
 * template database migrated once, Hookline's tables and pg-boss's alike. Each test file clones
 * the template (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject) {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  let embedded: EmbeddedServer | null = null;
  let dataDir: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookline-test-pg-'));
    // mkdtemp makes it private; the server runs as the `postgres` user when we are root.
    await chmod(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'pg'),
      port: 0,
      log: console.error,
      // A throwaway cluster, deleted after the run: durability buys nothing here and costs time.
      settings: { fsync: 'off' },
      initdbFlags: ['--no-sync'],
    });
    adminUrl = embedded.url('postgres');
  }

  const template = `hookline_template_${runId}`;
  await createDatabaseIfMissing(adminUrl, template);
  const templateUrl = databaseUrlFor(adminUrl, template);
  await migrate(templateUrl);
  const boss = createQueueClient({ connectionString: templateUrl, onError: (e) => console.error(e) });
  await boss.start();
  await ensureQueues(boss);
  await boss.stop({ graceful: false, close: true });

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);
  project.provide('testRunId', runId);

  return async () => {
    if (process.env.HOOKLINE_KEEP_TEST_DATABASES !== '1') {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      const names = await sql<{ datname: string }[]>`
        select datname from pg_database where datname like ${`hookline_%${runId}%`}`;
      for (const { datname } of names) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
      await sql.end();
    }
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
