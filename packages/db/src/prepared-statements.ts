import type { Sql, TransactionSql } from 'postgres';

/**
 * Statements with more parameters than this are sent unnamed. Their text varies with the number of
 * rows or values they carry (a multi-row insert, an `in (…)` list), so naming them would grow each
 * connection's cache by one statement per size; and a statement that large spends its time executing,
 * not planning. Up to this bound a connection holds a few variants of a few dozen statements, and
 * postgres.js replaces every connection within an hour (`max_lifetime`), which empties its cache.
 */
export const maxPreparedParameters = 32;

/**
 * Makes the statements Drizzle sends named prepared statements, reused per connection.
 *
 * Drizzle sends every query through `unsafe()` with `prepare: false`. For a query with parameters,
 * postgres.js then needs a round trip of its own first (Parse and Describe, to learn the parameter
 * types) before it can bind and execute, and PostgreSQL parses and plans the text every time. A named
 * statement pays that once per connection: afterwards a query is one round trip (Bind, Execute) and no
 * planning. A single publish makes about eight statements, so this halves its round trips.
 *
 * Transactions and savepoints hand Drizzle a client of their own, so they are wrapped too. A named
 * statement needs a session of its own on the server: behind PgBouncer, session pooling (which
 * LISTEN/NOTIFY needs already) or PgBouncer 1.21+ with `max_prepared_statements` (see docs/scaling.md).
 */
export function preferPrepared<T extends Sql | TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters: unknown[] = [], options: Record<string, unknown> = {}) =>
          target.unsafe(query, parameters as never, {
            ...options,
            prepare: parameters.length > 0 && parameters.length <= maxPreparedParameters,
          });
      }
      if (property === 'begin' || property === 'savepoint') {
        const open = Reflect.get(target, property, receiver) as (...args: unknown[]) => unknown;
        // begin(options?, callback) and savepoint(name?, callback): the callback comes last.
        return (...args: unknown[]) => {
          const callback = args.at(-1) as (client: TransactionSql) => unknown;
          return open.call(target, ...args.slice(0, -1), (client: TransactionSql) => callback(preferPrepared(client)));
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
