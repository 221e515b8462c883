import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgSchema, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { OutboxLocation } from './outbox-location';

/** A row waits in `pending` until a relay publishes (and deletes) it; Hookline's refusals move to `failed`. */
export const outboxStates = ['pending', 'failed'] as const;

/**
 * The outbox as a Drizzle table, to spread into the caller's own schema so drizzle-kit generates it
 * with their migrations. `createOutboxTableSql` is the same table as plain SQL (a test keeps them equal).
 */
export function outboxTable({ schema, table }: OutboxLocation) {
  // Drizzle refuses pgSchema('public'): tables there are declared with pgTable.
  const define = schema === 'public' ? pgTable : (pgSchema(schema).table as unknown as typeof pgTable);
  return define(
    table,
    {
      /** Also the idempotency key the relay publishes under (unless the event names its own). */
      id: uuid('id').primaryKey(),
      /** Enqueue order: relays take the oldest pending rows first. */
      position: bigint('position', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
      appId: text('app_id').notNull(),
      type: text('type').notNull(),
      version: text('version').notNull(),
      data: jsonb('data').notNull(),
      idempotencyKey: text('idempotency_key'),
      /** Forwarded to Hookline: events with the same key reach each endpoint in publish order. */
      orderingKey: text('ordering_key'),
      enqueuedAt: timestamp('enqueued_at', { withTimezone: true }).notNull().defaultNow(),
      state: text('state', { enum: outboxStates }).notNull().default('pending'),
      /** Why Hookline refused the event (a `failed` row), for whoever looks at it. */
      error: text('error'),
      failedAt: timestamp('failed_at', { withTimezone: true }),
    },
    (t) => [
      check(`${table}_state_check`, sql`${t.state} in ('pending', 'failed')`),
      // The relay's only scan: pending rows in enqueue order. Failed rows stay out of its way.
      index(`${table}_pending_position_idx`)
        .on(t.position)
        .where(sql`${t.state} = 'pending'`),
    ],
  );
}

export type OutboxTable = ReturnType<typeof outboxTable>;
