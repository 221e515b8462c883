import { sql, type SQL } from 'drizzle-orm';

/** A Drizzle transaction (`db.transaction(async (tx) => …)`), whatever its driver. */
export type DrizzleTransaction = { execute(query: SQL): PromiseLike<unknown> };

/** A postgres.js transaction (`sql.begin(async (tx) => …)`). */
export type PostgresTransaction = { unsafe(query: string, parameters: string[]): PromiseLike<unknown> };

/** The caller's open transaction: the outbox row commits or rolls back with their own writes. */
export type OutboxTransaction = DrizzleTransaction | PostgresTransaction;

/**
 * Runs one statement with a single text parameter, written `$1` in `text`, on either kind of
 * transaction. One statement with one parameter keeps both drivers on the same SQL.
 */
export async function executeWithOneParameter(tx: OutboxTransaction, text: string, parameter: string) {
  if ('unsafe' in tx) {
    await tx.unsafe(text, [parameter]);
    return;
  }
  const [before, after, ...rest] = text.split('$1');
  if (before === undefined || after === undefined || rest.length > 0) {
    throw new Error('executeWithOneParameter: the statement must use $1 exactly once');
  }
  await tx.execute(sql`${sql.raw(before)}${parameter}${sql.raw(after)}`);
}
