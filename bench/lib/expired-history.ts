/**
 * For measuring the retention sweep under load: old, settled history (events with one delivered delivery
 * and one attempt each, two days old) inserted straight into the tables, and a sweep that removes it while
 * a scenario runs, with `@hookline/pipeline`'s own `sweepExpired`.
 */
import { createDatabase } from '@hookline/db';
import { sweepExpired } from '@hookline/pipeline';
import type postgres from 'postgres';

// Inserted this many events a statement, so no single transaction grows huge.
const seedChunk = 50_000;

/**
 * Inserts `events` expired events (two days old and older, a millisecond apart), each with a delivered
 * delivery and its attempt: 3 rows an event.
 */
export async function seedExpiredHistory(
  sql: postgres.Sql,
  { appId, endpointId, events }: { appId: string; endpointId: string; events: number },
): Promise<void> {
  for (let first = 0; first < events; first += seedChunk) {
    const last = Math.min(events, first + seedChunk) - 1;
    await sql`
      with e as (
        insert into events (id, app_id, type, version, data, created_at)
        select 'evt_old' || i, ${appId}, 'order.created', '1.0',
               json_build_object('orderId', 'ord_' || i, 'amount', 1999, 'currency', 'EUR'),
               -- A millisecond apart, oldest first, as a real history is spread in time: with one shared
               -- timestamp every chunk of the sweep would scan past the rows earlier chunks deleted.
               now() - interval '2 days' - (${events}::int - i) * interval '1 millisecond'
          from generate_series(${first}::int, ${last}::int) i
        returning id
      ), d as (
        insert into deliveries (id, app_id, event_id, endpoint_id, status, attempt_count, created_at)
        select 'dlv_old' || substr(e.id, 8), ${appId}, e.id, ${endpointId}, 'delivered', 1, now() - interval '2 days'
          from e
        returning id
      )
      insert into attempts (id, delivery_id, number, started_at, duration_ms, response_status, rule)
      select 'atm_old' || substr(d.id, 8), d.id, 1, now() - interval '2 days', 5, 204, 'delivered' from d`;
  }
  await sql`analyze events`;
  await sql`analyze deliveries`;
  await sql`analyze attempts`;
}

/**
 * Sweeps with a one-day retention until `stop()`, which resolves with what was removed, how long the sweep
 * was busy, and when it first found nothing left (`emptiedAfterMs` from the start; null if it never did).
 * `stop()` interrupts the sweep between chunks, so rows removed after the run are not counted.
 */
export function startSweeping(databaseUrl: string) {
  const { db, close } = createDatabase(databaseUrl, { max: 1, applicationName: 'bench-sweep' });
  const stopping = new AbortController();
  const totals = { rows: 0, events: 0, busyMs: 0, runs: 0, emptiedAfterMs: null as number | null };
  const startedAt = performance.now();
  // A failure (the run's database dropped on a timeout) ends the sweeping; stop() reports it.
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const started = performance.now();
      const swept = await sweepExpired(db, { retentionSeconds: 24 * 3600, maxChunks: 20, signal: stopping.signal });
      totals.busyMs += performance.now() - started;
      totals.runs += 1;
      totals.events += swept.events;
      totals.rows += swept.events + swept.deliveries + swept.attempts;
      if (swept.events === 0) {
        totals.emptiedAfterMs ??= performance.now() - startedAt;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();
  const ended = loop.catch((error: unknown) => error);
  return {
    totals,
    stop: async () => {
      stopping.abort();
      const failure = await ended;
      await close();
      if (failure) throw failure;
      return totals;
    },
  };
}
