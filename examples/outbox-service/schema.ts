// The service's own tables, with the outbox among them: drizzle-kit (or `outbox.createTableSql`)
// creates it next to `orders`, in the service's database.
import { defineOutbox } from '@hookline/outbox';
import { integer, jsonb, numeric, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';

const shop = pgSchema('shop');

export const orders = shop.table('orders', {
  id: text('id').primaryKey(),
  customerId: text('customer_id').notNull(),
  amount: numeric('amount', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  items: jsonb('items').$type<{ productId: string; quantity: number; price: number }[]>().notNull(),
  itemCount: integer('item_count').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** `shop.outbox`: the relay is started with `outbox.location`. */
export const outbox = defineOutbox({ schema: 'shop', table: 'outbox' });
export const outboxTable = outbox.table;

/** What `npx tsx main.ts` runs once: the same tables as plain SQL. */
export const createTablesSql = `
create schema if not exists shop;
create table if not exists shop.orders (
  id text primary key,
  customer_id text not null,
  amount numeric not null,
  currency text not null,
  items jsonb not null,
  item_count integer not null,
  created_at timestamptz not null default now()
);
${outbox.createTableSql}`;
