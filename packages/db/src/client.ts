import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { watchDatabaseAvailability, type AvailabilityLog } from './availability';
import { gateClient } from './connection-gate';
import { preferPrepared } from './prepared-statements';
import * as schema from './schema';

export type Database = ReturnType<typeof createDatabase>['db'];
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * How long opening a connection may take, in seconds. postgres.js waits 30 s by default, and a
 * request behind that connection waits with it; a healthy server answers in milliseconds.
 */
export const connectTimeoutSeconds = 2;

/**
 * The pause before a pool connection tries again after failing to connect, in seconds. postgres.js
 * grows it to 20 s with a counter the whole pool shares, so a database that came back stayed unused
 * for up to 20 s; here it grows from 50 ms to at most half a second (with jitter, so a pool of
 * connections does not knock in step).
 */
export const reconnectBackoffSeconds = (retries: number) =>
  Math.min(0.05 * 2 ** retries, 0.5) * (0.5 + Math.random() / 2);

export type DatabaseOptions = {
  max?: number;
  applicationName?: string;
  /**
   * How long a statement or transaction may wait for a connection before it fails as unavailable
   * (a per-request deadline for the API). Unset waits as long as it takes (the worker).
   */
  connectionWaitMs?: number;
  /** Where the two lines of an outage go (unreachable, reachable again); unset drops them. */
  log?: AvailabilityLog;
  /** Names this process in those lines. */
  label?: string;
};

/**
 * A Drizzle client over postgres.js. `close()` ends its pool; call it on shutdown. A connection the
 * server drops (restart, pg_terminate_backend) is replaced on the next query. While the database is
 * unreachable, statements fail at once (see connection-gate.ts) and `availability` says so.
 */
export function createDatabase(
  url: string,
  { max = 10, applicationName, connectionWaitMs = Infinity, log = () => {}, label }: DatabaseOptions = {},
) {
  const sql = postgres(url, {
    max,
    connect_timeout: connectTimeoutSeconds,
    backoff: reconnectBackoffSeconds,
    // Shows in pg_stat_activity, so an operator (or a test) can tell whose connections are whose.
    connection: applicationName ? { application_name: applicationName } : {},
    // Notices (e.g. "relation already exists, skipping") are noise in our logs.
    onnotice: () => {},
  });
  const availability = watchDatabaseAvailability({ url, log, label });
  const db = drizzle({
    client: gateClient(preferPrepared(sql), { slots: max, waitMs: connectionWaitMs, availability }),
    schema,
  });
  return {
    db,
    sql,
    availability,
    close: async () => {
      availability.stop();
      await sql.end({ timeout: 5 });
    },
  };
}
