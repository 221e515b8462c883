import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from './client';
import { migrationsFolder } from './migrate';

type Journal = { entries: { when: number; tag: string }[] };

/**
 * Whether the database has every migration this code was built with. drizzle's migrator records each
 * one's journal time in drizzle.__drizzle_migrations; the newest recorded must be this code's newest.
 * One cheap query, so a readiness probe can ask it every few seconds. Throws when the database does not answer.
 */
export async function migrationsApplied(db: Database): Promise<boolean> {
  const newest = newestMigrationTime();
  try {
    const [row] = (await db.execute(
      sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`,
    )) as unknown as { latest: string | null }[];
    return row?.latest != null && Number(row.latest) >= newest;
  } catch (error) {
    // A database never migrated has no such table (or schema): "not applied", not an outage.
    if (causeCodes(error).some((code) => code === '42P01' || code === '3F000')) return false;
    throw error;
  }
}

/** The error's code and its causes' (Drizzle wraps the driver's error). */
function causeCodes(error: unknown): unknown[] {
  const codes: unknown[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    codes.push((e as { code?: unknown }).code);
  }
  return codes;
}

let newestCached: number | null = null;
function newestMigrationTime(): number {
  if (newestCached === null) {
    const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as Journal;
    newestCached = Math.max(...journal.entries.map((e) => e.when));
  }
  return newestCached;
}
