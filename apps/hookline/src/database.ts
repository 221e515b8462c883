import path from 'node:path';
import { createDatabaseIfMissing, databaseUrlFor } from '@hookline/db';
import { startEmbeddedPostgres, type EmbeddedServer } from '@hookline/db/embedded';
import type { Log } from '@hookline/log';

/**
 * DATABASE_URL when it is set; otherwise embedded PostgreSQL with its data in `<dataDir>/pg`, kept
 * between starts, and a `hookline` database on it. `embedded` is the server to stop at the end.
 */
export async function databaseForHookline({
  databaseUrl,
  dataDir,
  embeddedPort,
  log,
}: {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort: number;
  log: Log;
}): Promise<{ databaseUrl: string; embedded: EmbeddedServer | null }> {
  if (databaseUrl) return { databaseUrl, embedded: null };
  const pgDir = path.resolve(dataDir, 'pg');
  log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${pgDir} on port ${embeddedPort}`);
  const embedded = await startEmbeddedPostgres({ dataDir: pgDir, port: embeddedPort, log, ownProcessGroup: true });
  await createDatabaseIfMissing(embedded.url(), 'hookline');
  return { databaseUrl: databaseUrlFor(embedded.url(), 'hookline'), embedded };
}
