import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { freePort } from '@hookline/db/free-port';
import { silentLog } from '@hookline/log';
import { afterAll, expect, it } from 'vitest';
import { databaseForHookline } from '../apps/hookline/src/database';

let root: string | null = null;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

// `npm start` keeps its data in .data/pg between runs: that cluster must survive a machine crash,
// so fsync stays on (the tests' throwaway cluster turns it off for speed).
it("keeps fsync on for npm start's embedded PostgreSQL", { timeout: 60_000 }, async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hookline-durability-'));
  // The server runs as the `postgres` user when we are root: it must traverse this directory.
  await chmod(root, 0o755);
  const { databaseUrl, embedded } = await databaseForHookline({
    databaseUrl: undefined,
    dataDir: root,
    embeddedPort: await freePort(),
    log: silentLog,
  });
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ fsync: string; synchronous_commit: string }[]>`
      select current_setting('fsync') as fsync, current_setting('synchronous_commit') as synchronous_commit`;
    expect(row).toEqual({ fsync: 'on', synchronous_commit: 'on' });
  } finally {
    await sql.end({ timeout: 1 });
    await embedded?.stop();
  }
});
