import type { Transaction } from '@hookline/db';
import { sql } from 'drizzle-orm';

/**
 * Advisory-lock keys for background work that one process at a time does, however many workers run.
 * Each run holds its lock for one transaction (`pg_try_advisory_xact_lock`): a process that does not get
 * it skips the run instead of waiting, and a process that dies mid-run releases it with its connection.
 */
export const backgroundLocks = {
  // Arbitrary, but fixed forever: two versions of Hookline during a rolling deploy must agree.
  retentionSweep: 0x686f6f6b_01,
  reconcile: 0x686f6f6b_02,
} as const;

/** True when this transaction now holds the lock; false when another process does. */
export async function tryBackgroundLock(tx: Transaction, key: number): Promise<boolean> {
  const [row] = (await tx.execute(sql`select pg_try_advisory_xact_lock(${key}::bigint) as locked`)) as unknown as {
    locked: boolean;
  }[];
  return row?.locked === true;
}
