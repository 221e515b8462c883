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
  const sql = postgres(connectionString, {
    max,
    connect_timeout: connectTimeoutSeconds,
    connection: applicationName ? { application_name: applicationName } : {},
    // pg-boss's migrations create what exists already with IF NOT EXISTS; the notices are noise.
    onnotice: () => {},
  });

  /**
   * A text without parameters may be a script (pg-boss's migrations: BEGIN, several commands, COMMIT).
   * It runs on a connection of its own, which postgres.js requires for a transaction not opened through
   * it.
   */
  const runScript = async (text: string) => {
    const connection = await sql.reserve();
    try {
      const result: unknown[] = await connection.unsafe(text).simple();
      // One result per command, as `pg` returns them: pg-boss reads the rows of every one (its type
      // declares only the single-statement shape, its code unwraps both).
      if (result.length > 0 && result.every((r) => Array.isArray(r))) {
        return result.map((r) => ({ rows: Array.from(r as unknown[]) })) as unknown as { rows: unknown[] };
      }
      return { rows: Array.from(result) };
    } finally {
      connection.release();
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

    close: () => sql.end({ timeout: 5 }),
  };
}
