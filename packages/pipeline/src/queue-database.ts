import { reconnectBackoffSeconds } from '@hookline/db';
import type { Db } from 'pg-boss';
import postgres from 'postgres';
import { toPostgresParameter } from './db-adapter';

export type QueueDatabase = Db & {
  listen: NonNullable<Db['listen']>;
  /** Closes the connections; pg-boss does not close a database it was given. */
  close: () => Promise<void>;
};

/**
 * pg-boss's own statements (fetching a batch, completing it, its maintenance) on postgres.js with
 * prepared statements, instead of pg-boss's built-in `pg` pool, which sends every statement unnamed and
 * so has PostgreSQL plan it again on every call: at a low rate, where a batch holds one job, fetching
 * and completing it was 1 ms of planning per delivery, more than running them.
 *
 * Statements with parameters are prepared once per connection; those without (pg-boss's schema
 * migrations, several commands in one text) go through the simple protocol, as `pg` sent them. LISTEN
 * is postgres.js's own: one dedicated connection that subscribes again after a reconnect and then calls
 * `onReconnect`, so pg-boss fetches what was notified while it was away.
 */
export function createQueueDatabase({
  connectionString,
  max,
  applicationName,
  connectTimeoutSeconds,
}: {
  connectionString: string;
  max: number;
  applicationName?: string;
  connectTimeoutSeconds: number;
}): QueueDatabase {
  const options = {
    connect_timeout: connectTimeoutSeconds,
    // Hookline's own pools' pause before connecting again: postgres.js's default grows to 20 s, and
    // pg-boss's fetches then waited that long after the database was back.
    backoff: reconnectBackoffSeconds,
    connection: applicationName ? { application_name: applicationName } : {},
    // pg-boss's migrations create what exists already with IF NOT EXISTS; the notices are noise.
    onnotice: () => {},
    // pg-boss passes JSON already encoded, as text, where `pg` sends a string as it is. postgres.js
    // would encode it once more for a json or jsonb parameter and store a JSON string instead of the
    // document; a string goes as it is here too, anything else is encoded.
    types: {
      json: {
        to: 114,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
        parse: (text: string) => JSON.parse(text) as unknown,
      },
    },
  };
  const sql = postgres(connectionString, { ...options, max });
  /**
   * A text without parameters may be a script (pg-boss's migrations and some of its maintenance: BEGIN,
   * several commands, COMMIT). postgres.js runs a transaction it did not open only on a client of one
   * connection (a reserved connection would do too, but one reserved while the server is unreachable
   * is never given back, and closing then waits out its timeout). Scripts are rare; they take turns.
   */
  const scripts = postgres(connectionString, { ...options, max: 1, idle_timeout: 60 });

  const runScript = async (text: string) => {
    try {
      const result: unknown[] = await scripts.unsafe(text).simple();
      // One result per command, as `pg` returns them: pg-boss reads the rows of every one (its type
      // declares only the single-statement shape, its code unwraps both).
      if (result.length > 0 && result.every((r) => Array.isArray(r))) {
        return result.map((r) => ({ rows: Array.from(r as unknown[]) })) as unknown as { rows: unknown[] };
      }
      return { rows: Array.from(result) };
    } catch (error) {
      // The server refused a command: after the script's BEGIN that leaves its transaction aborted, and
      // the connection would refuse everything until it ends (processes racing to install pg-boss's
      // schema find this). A lost connection has no transaction left to end.
      if (error instanceof postgres.PostgresError)
        await scripts
          .unsafe('rollback')
          .simple()
          .catch(() => {});
      throw error;
    }
  };

  return {
    async executeSql(text: string, values?: unknown[], options?: { signal?: AbortSignal; retire?: AbortSignal }) {
      const signal = options?.signal;
      signal?.throwIfAborted();
      options?.retire?.throwIfAborted();
      if (!values || values.length === 0) return runScript(text);
      const query = sql.unsafe(text, values.map(toPostgresParameter) as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      });
      // pg-boss aborts a long statement (an index build) when it stops; cancelling asks the server to end it.
      const cancel = () => void query.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
      try {
        return { rows: Array.from(await query) };
      } finally {
        signal?.removeEventListener('abort', cancel);
      }
    },

    async listen(channel, onNotification, onReconnect) {
      let subscribed = false;
      const { unlisten } = await sql.listen(channel, onNotification, () => {
        // The first subscription is the start, not a reconnect: nothing was missed yet.
        if (subscribed) onReconnect();
        subscribed = true;
      });
      return { close: unlisten };
    },

    // Called once pg-boss has stopped, so nothing it waits for is still running. After an outage,
    // postgres.js's end() also waits for a connection that failed to open and never will, for the whole
    // timeout (5 s, every time in a test that cuts the database off): the timeout is short.
    close: async () => {
      await Promise.all([sql.end({ timeout: 1 }), scripts.end({ timeout: 1 })]);
    },
  };
}
