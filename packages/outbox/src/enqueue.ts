import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from './outbox-event';
import { notifyChannel, qualifiedName, type OutboxLocation } from './outbox-location';
import { executeWithOneParameter, type OutboxTransaction } from './transaction';

/**
 * Writes events into the outbox inside the caller's transaction `tx`, in order, and returns their
 * row ids. They reach Hookline only if `tx` commits. One statement however many events: the rows
 * and a NOTIFY that wakes the relays (PostgreSQL delivers it at commit, and drops it on rollback).
 */
export async function enqueueEvents(
  location: OutboxLocation,
  tx: OutboxTransaction,
  events: readonly OutboxEvent[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => ({
    id: randomUUID(),
    app_id: event.appId,
    type: event.type,
    version: event.version,
    data: event.data,
    idempotency_key: event.idempotencyKey ?? null,
    ordering_key: event.orderingKey ?? null,
  }));
  // `with ordinality` keeps the caller's order in `position`, which is the order relays publish in.
  const statement = `
    with inserted as (
      insert into ${qualifiedName(location)} (id, app_id, type, version, data, idempotency_key, ordering_key)
      select x.id, x.app_id, x.type, x.version, x.data, x.idempotency_key, x.ordering_key
        from rows from (json_to_recordset($1::text::json)
                        as (id uuid, app_id text, type text, version text, data jsonb, idempotency_key text,
                            ordering_key text))
             with ordinality as x(id, app_id, type, version, data, idempotency_key, ordering_key, ord)
       order by x.ord
      returning 1)
    select pg_notify('${notifyChannel(location)}', '') from (select 1 from inserted limit 1) as first_inserted`;
  await executeWithOneParameter(tx, statement, JSON.stringify(rows));
  return rows.map((r) => r.id);
}
