import type { Database } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { queueSchema } from './names';

// Like autovacuum_vacuum_scale_factor: vacuum once this share of the events has been removed since the last
// time, and at least this many, so a small installation is not vacuumed after every sweep.
const vacuumShare = 0.02;
const vacuumMinimum = 1_000;

/**
 * Vacuums the tables the retention sweep deletes from (and pg-boss's job table, which sheds the same
 * deliveries' completed jobs), once it has removed enough since the last time,
 * so their space is reused at once instead of whenever autovacuum's turn comes (on a busy server, minutes
 * or hours: meanwhile the tables grow as if nothing were deleted). A plain VACUUM blocks no reads or
 * writes; SKIP_LOCKED leaves a table alone while something holds a conflicting lock (a migration, another
 * vacuum). Returns a function to call after each sweep with the events it removed.
 */
export function createSweptTablesVacuum(db: Database) {
  let removedSinceVacuum = 0;
  return async (removedEvents: number): Promise<boolean> => {
    removedSinceVacuum += removedEvents;
    if (removedSinceVacuum < vacuumMinimum) return false;
    const [row] = (await db.execute(
      sql`select greatest(reltuples, 0)::float8 as rows from pg_class where oid = 'events'::regclass`,
    )) as unknown as { rows: number }[];
    if (removedSinceVacuum < vacuumShare * (row?.rows ?? 0)) return false;
    // pg-boss's job table too: its maintenance deletes the completed jobs of the same deliveries.
    await db.execute(sql`vacuum (skip_locked) events, deliveries, attempts, ${sql.identifier(queueSchema)}.job`);
    removedSinceVacuum = 0;
    return true;
  };
}
