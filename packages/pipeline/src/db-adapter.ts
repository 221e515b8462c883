import type { Transaction } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { fromDrizzle, type Db } from 'pg-boss';

/**
 * Lets pg-boss run its statements inside one of our Drizzle transactions (its `db` option), so a
 * job is enqueued or settled in the same commit as the rows that need it.
 *
 * postgres.js refuses `undefined` parameters and would send a plain object as a record, not JSON;
 * pg-boss passes both, so they are normalised first.
 */
export function bossDb(tx: Transaction): Db {
  const inner = fromDrizzle(tx, sql);
  return {
    executeSql: (text, values) => inner.executeSql(text, values?.map(toPostgresParameter)),
  };
}

export function toPostgresParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
    return JSON.stringify(value);
  }
  return value;
}
