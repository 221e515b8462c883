import type { Database, DeliveryStatus, Transaction } from '@hookline/db';
import { sql, type SQL } from 'drizzle-orm';
import { deadLetterQueue, queueSchema } from './names';

/** Where a page of dead letters ended: the last one's time and id (see `WaitingDeadLetter.cursor`). */
export type DeadLetterCursor = { at: string; id: string };

/** Which waiting dead letters to find; every field narrows, none means all of them. */
export type DeadLetterFilter = {
  appId?: string;
  endpointId?: string;
  type?: string;
  since?: Date;
  until?: Date;
  /** pg-boss job ids in the dead-letter queue. */
  ids?: string[];
  /** Only those after this cursor in the listing's order (newest first). */
  after?: DeadLetterCursor;
};

/** A dead letter still waiting for an operator, joined to the delivery, event and endpoint it names. */
export type WaitingDeadLetter = {
  /** The pg-boss job id (a UUID) in the dead-letter queue. */
  id: string;
  /** Opaque position in the listing; `parseDeadLetterCursor` reads it back. */
  cursor: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  endpointUrl: string;
  endpointEnabled: boolean;
  appId: string;
  attempts: number;
  deliveryStatus: DeliveryStatus;
  error: string | null;
  rule: string | null;
  deadLetteredAt: Date;
};

type Row = {
  id: string;
  cursor: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  endpoint_url: string;
  endpoint_enabled: boolean;
  app_id: string;
  attempts: number;
  delivery_status: DeliveryStatus;
  error: string | null;
  rule: string | null;
  dead_lettered_at: Date | string;
};

/**
 * Dead letters still waiting for an operator (state `created`), newest first, joined to what they
 * name. The same shape of query docs/delivery.md's "Dead letters with SQL" shows. A dead letter whose delivery
 * was deleted (with its endpoint) is not found. With `lock`, the dead letters found stay locked until
 * the caller's transaction ends, so a concurrent replay of the same ones waits, then finds them settled.
 */
export async function findDeadLetters(
  db: Database | Transaction,
  filter: DeadLetterFilter,
  { limit, lock = false }: { limit?: number; lock?: boolean } = {},
): Promise<WaitingDeadLetter[]> {
  const rows = (await db.execute<Row>(sql`
    select j.id::text as id,
           to_char(j.created_on at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '_' || j.id::text as cursor,
           d.id as delivery_id, d.event_id, ev.type as event_type, d.endpoint_id, ep.url as endpoint_url,
           ep.enabled as endpoint_enabled, d.app_id, d.attempt_count as attempts, d.status as delivery_status,
           coalesce(j.source_output->>'error', j.source_output->>'message') as error,
           j.source_output->>'rule' as rule,
           j.created_on as dead_lettered_at
      from ${sql.identifier(queueSchema)}.job j
      join deliveries d on d.id = j.data->>'deliveryId'
      join events ev on ev.id = d.event_id
      join endpoints ep on ep.id = d.endpoint_id
     where j.name = ${deadLetterQueue} and j.state = 'created' and ${sql.join(filterConditions(filter), sql` and `)}
     order by j.created_on desc, j.id desc
     ${limit === undefined ? sql`` : sql`limit ${limit}`}
     ${lock ? sql`for update of j` : sql``}`)) as unknown as Row[];
  return rows.map(toWaitingDeadLetter);
}

/** How many dead letters match the filter and still wait for an operator (the overview's figure). */
export async function countDeadLetters(db: Database | Transaction, filter: DeadLetterFilter): Promise<number> {
  const [row] = (await db.execute<{ count: number }>(sql`
    select count(*)::int as count
      from ${sql.identifier(queueSchema)}.job j
      join deliveries d on d.id = j.data->>'deliveryId'
      join events ev on ev.id = d.event_id
     where j.name = ${deadLetterQueue} and j.state = 'created' and ${sql.join(filterConditions(filter), sql` and `)}`)) as unknown as {
    count: number;
  }[];
  return row?.count ?? 0;
}

function filterConditions(filter: DeadLetterFilter): SQL[] {
  return [
    sql`true`,
    ...(filter.appId ? [sql`d.app_id = ${filter.appId}`] : []),
    ...(filter.endpointId ? [sql`d.endpoint_id = ${filter.endpointId}`] : []),
    ...(filter.type ? [sql`ev.type = ${filter.type}`] : []),
    ...(filter.since ? [sql`j.created_on >= ${filter.since.toISOString()}::timestamptz`] : []),
    ...(filter.until ? [sql`j.created_on < ${filter.until.toISOString()}::timestamptz`] : []),
    ...(filter.after ? [sql`(j.created_on, j.id) < (${filter.after.at}::timestamptz, ${filter.after.id}::uuid)`] : []),
    ...(filter.ids
      ? [
          sql`j.id in ${sql`(${sql.join(
            filter.ids.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`}`,
        ]
      : []),
  ];
}

function toWaitingDeadLetter(row: Row): WaitingDeadLetter {
  return {
    id: row.id,
    cursor: row.cursor,
    deliveryId: row.delivery_id,
    eventId: row.event_id,
    eventType: row.event_type,
    endpointId: row.endpoint_id,
    endpointUrl: row.endpoint_url,
    endpointEnabled: row.endpoint_enabled,
    appId: row.app_id,
    attempts: row.attempts,
    deliveryStatus: row.delivery_status,
    error: row.error,
    rule: row.rule,
    deadLetteredAt: new Date(row.dead_lettered_at),
  };
}

/** Reads back a `WaitingDeadLetter.cursor`; null when the text is not one. */
export function parseDeadLetterCursor(cursor: string): DeadLetterCursor | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([0-9a-f-]{36})$/.exec(cursor);
  return match ? { at: match[1]!, id: match[2]! } : null;
}
