import { createDatabase, maxPreparedParameters, type Database, type Transaction } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';

/** The named statements of the connection the transaction runs on (pg_prepared_statements is per session). */
const preparedOnThisConnection = async (tx: Transaction) => {
  const rows = await tx.execute<{ statement: string }>(
    sql.raw('select statement from pg_prepared_statements where not from_sql'),
  );
  return rows.map((row) => row.statement);
};

describe('statements Drizzle sends', () => {
  let database: ReturnType<typeof createDatabase>;
  beforeAll(async () => {
    database = createDatabase(await createTestDatabase(), { max: 1 });
  });
  afterAll(() => database?.close());

  it('are named prepared statements, reused on their connection, inside transactions too', async () => {
    const probe = (tx: Pick<Database, 'execute'>, n: number) =>
      tx.execute(sql`select ${n}::int + 1 as answer /* prepared probe */`);
    const answers = await database.db.transaction(async (tx) => {
      const first = await probe(tx, 1);
      const second = await probe(tx, 2);
      const statements = await preparedOnThisConnection(tx);
      return { first, second, statements };
    });
    expect(answers.first[0]).toEqual({ answer: 2 });
    expect(answers.second[0]).toEqual({ answer: 3 });
    // Prepared once, on the first call; the second reused it.
    expect(answers.statements.filter((s) => s.includes('prepared probe'))).toHaveLength(1);

    // Outside a transaction as well (one connection: the same session).
    await probe(database.db, 3);
    const again = await database.db.transaction(preparedOnThisConnection);
    expect(again.filter((s) => s.includes('prepared probe'))).toHaveLength(1);
  });

  it('leaves a statement with many parameters unnamed, so varying row counts do not fill the cache', async () => {
    const values = Array.from({ length: maxPreparedParameters + 1 }, (_, i) => i);
    const list = sql.join(
      values.map((v) => sql`${v}::int`),
      sql`, `,
    );
    const statements = await database.db.transaction(async (tx) => {
      const [row] = await tx.execute<{ total: number }>(
        sql`select (select sum(x)::int from unnest(array[${list}]) x) as total /* wide probe */`,
      );
      expect(row).toEqual({ total: values.reduce((a, b) => a + b, 0) });
      return preparedOnThisConnection(tx);
    });
    expect(statements.filter((s) => s.includes('wide probe'))).toHaveLength(0);
  });
});
