import { createOutboxTableSql, defineOutbox, outboxTable } from '@hookline/outbox';
import { getTableConfig } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { createTestDatabase } from './support/database';

// The outbox table exists twice, as a Drizzle definition and as plain SQL: they must stay the same table.

it.each([
  { schema: 'public', table: 'hookline_outbox' },
  { schema: 'shop', table: 'outbox' },
])('creates the same table from SQL as the Drizzle definition (schema $schema, table $table)', async (location) => {
  const sql = postgres(await createTestDatabase(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(createOutboxTableSql(location));
    await sql.unsafe(createOutboxTableSql(location)); // idempotent: safe to run at every start
    const columns = await sql<{ name: string; type: string; nullable: boolean; hasDefault: boolean }[]>`
      select column_name as name, data_type as type, is_nullable = 'YES' as nullable,
             (column_default is not null or is_identity = 'YES') as "hasDefault"
        from information_schema.columns
       where table_schema = ${location.schema} and table_name = ${location.table}
       order by ordinal_position`;
    const drizzle = getTableConfig(outboxTable(location));
    expect(columns).toEqual(
      drizzle.columns.map((c) => ({
        name: c.name,
        type: c.getSQLType(),
        nullable: !c.notNull,
        hasDefault: c.hasDefault || c.generatedIdentity !== undefined,
      })),
    );
    const indexes = await sql<{ name: string }[]>`
      select indexname as name from pg_indexes
       where schemaname = ${location.schema} and tablename = ${location.table} and indexname <> ${`${location.table}_pkey`}`;
    expect(indexes.map((i) => i.name)).toEqual(drizzle.indexes.map((i) => i.config.name));
    expect(drizzle.schema ?? 'public').toBe(location.schema);
  } finally {
    await sql.end();
  }
});

it('refuses names that would need quoting or be truncated', () => {
  expect(() => defineOutbox({ table: 'Outbox; drop table orders' })).toThrow('lowercase SQL identifier');
  expect(() => defineOutbox({ schema: 'x'.repeat(64) })).toThrow('at most 63 bytes');
  expect(defineOutbox({ schema: 'a'.repeat(40), table: 'b'.repeat(40) }).channel).toMatch(/^outbox_[0-9a-f]{32}$/);
});
