import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createOutboxTableSql, type OutboxLocation } from '@hookline/outbox';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { expect } from 'vitest';
import { createTestDatabase } from './database';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A caller's database for the outbox: a fresh database of its own (not Hookline's), with the outbox
 * table created by its plain SQL migration. `pending()` counts the rows still waiting.
 */
export async function createCallerDatabase(location: OutboxLocation = { schema: 'public', table: 'hookline_outbox' }) {
  const url = await createTestDatabase();
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  await sql.unsafe(createOutboxTableSql(location));
  const table = `"${location.schema}"."${location.table}"`;
  return {
    url,
    sql,
    db: drizzle({ client: sql }),
    pending: async () =>
      Number((await sql.unsafe(`select count(*)::int as n from ${table} where state = 'pending'`))[0]!.n),
    rows: () =>
      sql.unsafe<{ id: string; state: string; error: string | null }[]>(`select * from ${table} order by position`),
    close: () => sql.end({ timeout: 5 }),
  };
}

export type CallerDatabase = Awaited<ReturnType<typeof createCallerDatabase>>;

/**
 * The relay as the separate process it is deployed as (`packages/outbox/src/relay-main.ts`), run
 * by Node with tsx as a loader in the same process, so a SIGKILL reaches the relay itself.
 */
export function spawnRelay(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/outbox/src/relay-main.ts'], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output,
    /** Resolves once the relay listens for notifications. */
    ready: () =>
      expect
        .poll(() => output.join('').includes('outbox relay started') || output.join(''), { timeout: 20_000 })
        .toBe(true),
    kill: async (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
    },
  };
}
