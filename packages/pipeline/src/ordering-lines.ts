import type { Transaction } from '@hookline/db';
import { sql, type SQL } from 'drizzle-orm';
import type { QueueClient } from './boss';
import { insertDeliveryJobs } from './insert-jobs';

/**
 * Ordered delivery per key (docs/ordering.md). The pending deliveries of one (endpoint, ordering key)
 * form a line, ordered by `deliveries.ordering_seq`. Only the line's head has a pg-boss job; the others
 * wait, pending, with `job_id` null. Whatever ends the head (a success, a dead letter, a disabled
 * endpoint's give-up) enqueues the next one in the same transaction.
 *
 * Every change to a line happens under its transaction-scoped advisory lock: a publish appending to
 * it, the worker ending its head, a replay moving a delivery to its end. A publish that races the
 * head's end therefore either sees the head still pending (and waits behind it, to be enqueued by
 * the end) or sees the line empty (and gets a job itself): never a delivery with no job and no head
 * ahead of it. Sequence numbers are taken while the lock is held, so within a line they follow
 * commit order.
 *
 * Deadlocks: a transaction takes all its line locks in one statement, in hash order, before it locks
 * any delivery or endpoint row (the worker's health update locks endpoints, which a publish's
 * foreign keys share-lock).
 */
export type Line = { endpointId: string; orderingKey: string };

/** The namespace of the lines' advisory-lock keys (hashtextextended's seed); fixed forever, as every process must agree. */
const lineLockSeed = 0x686f6f6b_10;

/**
 * Takes the advisory locks of the lines `rows` name (columns endpoint_id and ordering_key), held until the
 * transaction ends. Every lock of a line goes through here, so every process hashes a line the same way.
 * Locks are taken in the sort's order: PostgreSQL evaluates a volatile output column after ORDER BY.
 */
const lockLinesNamedBy = (tx: Transaction, rows: SQL) =>
  tx.execute(sql`
    select pg_advisory_xact_lock(s.h)
      from (select distinct hashtextextended(l.endpoint_id || ' ' || l.ordering_key, ${lineLockSeed}) as h
              from (${rows}) l) s
     order by s.h`);

/** Takes the advisory locks of these lines, held until the transaction ends. */
export async function lockLines(tx: Transaction, lines: Line[]): Promise<void> {
  if (lines.length === 0) return;
  await lockLinesNamedBy(
    tx,
    sql`select * from json_to_recordset(${JSON.stringify(toRecords(lines))}::json) as r(endpoint_id text, ordering_key text)`,
  );
}

/**
 * Takes the advisory locks of the lines these deliveries are in (unkeyed ones have none). Reads the
 * keys without a row lock: a delivery's endpoint and ordering key never change.
 */
export async function lockLinesOf(tx: Transaction, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await lockLinesNamedBy(
    tx,
    sql`select d.endpoint_id, d.ordering_key from deliveries d
         where d.id in (select json_array_elements_text(${JSON.stringify(deliveryIds)}::json))
           and d.ordering_key is not null`,
  );
}

/**
 * `count` positions at the end of the lines, ascending. Callers hold the lines' locks, so no other
 * transaction appends to those lines before this one commits.
 */
export async function takeLinePositions(tx: Transaction, count: number): Promise<number[]> {
  if (count === 0) return [];
  const rows = (await tx.execute(sql`
    select nextval('deliveries_ordering_seq')::text as seq from generate_series(1, ${count})`)) as unknown as {
    seq: string;
  }[];
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
}

/** The lines among these that already hold a pending delivery (a head, and perhaps others behind it). */
export async function busyLines(tx: Transaction, lines: Line[]): Promise<Set<string>> {
  if (lines.length === 0) return new Set();
  const rows = (await tx.execute(sql`
    select l.endpoint_id, l.ordering_key
      from json_to_recordset(${JSON.stringify(toRecords(lines))}::json) as l(endpoint_id text, ordering_key text)
     where exists (select 1 from deliveries d
                    where d.endpoint_id = l.endpoint_id and d.ordering_key = l.ordering_key and d.status = 'pending')`)) as unknown as {
    endpoint_id: string;
    ordering_key: string;
  }[];
  return new Set(rows.map((r) => lineName({ endpointId: r.endpoint_id, orderingKey: r.ordering_key })));
}

/**
 * Gives each of these lines' heads a job if it has none: after a head ended, or after a replay moved
 * a delivery into an empty line. Callers hold the lines' locks. A head that was attempted before (a
 * replayed dead letter) gets a manual attempt, like any replay; a fresh one its first attempt.
 */
export async function advanceLines(tx: Transaction, boss: QueueClient, lines: Line[]): Promise<void> {
  if (lines.length === 0) return;
  // The job ids are chosen by the same statement that records them on the deliveries (one round trip).
  const heads = (await tx.execute(sql`
    update deliveries d set job_id = gen_random_uuid(), updated_at = now()
      from (select h.id
              from (select distinct endpoint_id, ordering_key
                      from json_to_recordset(${JSON.stringify(toRecords(lines))}::json)
                           as x(endpoint_id text, ordering_key text)) l
              cross join lateral (
                    select p.id, p.job_id from deliveries p
                     where p.endpoint_id = l.endpoint_id and p.ordering_key = l.ordering_key and p.status = 'pending'
                     order by p.ordering_seq
                     limit 1) h
             where h.job_id is null) head
     where d.id = head.id
     returning d.id, d.job_id::text as job_id, d.attempt_count`)) as unknown as {
    id: string;
    job_id: string;
    attempt_count: number;
  }[];
  await insertDeliveryJobs(
    boss,
    heads.map((h) => ({
      id: h.job_id,
      deliveryId: h.id,
      attempt: h.attempt_count + 1,
      ...(h.attempt_count > 0 ? { manual: true } : {}),
    })),
    { tx, jobIdsRecorded: true },
  );
}

export const lineName = (line: Line) => `${line.endpointId} ${line.orderingKey}`;

const toRecords = (lines: Line[]) => lines.map((l) => ({ endpoint_id: l.endpointId, ordering_key: l.orderingKey }));
