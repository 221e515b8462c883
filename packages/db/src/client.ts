import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = ReturnType<typeof createDatabase>['db'];
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * A Drizzle client over postgres.js. `close()` ends its pool; call it on shutdown. A connection the
 * server drops (restart, pg_terminate_backend) is replaced on the next query.
 */
export function createDatabase(
  url: string,
  { max = 10, applicationName }: { max?: number; applicationName?: string } = {},
) {
  const sql = postgres(url, {
    max,
    // Shows in pg_stat_activity, so an operator (or a test) can tell whose connections are whose.
    connection: applicationName ? { application_name: applicationName } : {},
    // Notices (e.g. "relation already exists, skipping") are noise in our logs.
    onnotice: () => {},
  });
  const db = drizzle({ client: sql, schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
