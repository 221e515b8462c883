import { createOutboxTableSql } from './create-table-sql';
import { enqueueEvents } from './enqueue';
import type { OutboxEvent } from './outbox-event';
import { notifyChannel, resolveOutboxLocation, type OutboxLocation } from './outbox-location';
import { outboxTable } from './outbox-table';
import type { OutboxTransaction } from './transaction';

/**
 * One outbox in the caller's database: its Drizzle table, the same table as SQL, and `enqueue`.
 * Pass the same `{ schema, table }` (or this object) to the relay.
 *
 *   export const outbox = defineOutbox({ schema: 'shop', table: 'outbox' });
 *   await db.transaction(async (tx) => {
 *     await tx.insert(orders).values(order);
 *     await outbox.enqueue(tx, { appId, type: 'order.created', version: '1.0', data: order });
 *   });
 */
export function defineOutbox(given: Partial<OutboxLocation> = {}) {
  const location = resolveOutboxLocation(given);
  return {
    /** The Drizzle table: export it from your schema file so drizzle-kit creates it. */
    table: outboxTable(location),
    /** The table as a plain, idempotent SQL migration. */
    createTableSql: createOutboxTableSql(location),
    /** What enqueueing NOTIFYs and relays LISTEN on. */
    channel: notifyChannel(location),
    /** `{ schema, table }`, for the relay. */
    location,
    /** Writes one event in `tx`; returns its row id. */
    enqueue: async (tx: OutboxTransaction, event: OutboxEvent): Promise<string> =>
      (await enqueueEvents(location, tx, [event]))[0]!,
    /** Writes events in `tx`, in order, in one statement; returns their row ids. */
    enqueueMany: (tx: OutboxTransaction, events: readonly OutboxEvent[]) => enqueueEvents(location, tx, events),
  };
}

export type Outbox = ReturnType<typeof defineOutbox>;
