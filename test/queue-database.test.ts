import { createQueueDatabase, type QueueDatabase } from '@hookline/pipeline';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';

// pg-boss's statements run on this adapter (postgres.js, prepared) instead of pg-boss's own pool, so it
// has to behave the way pg-boss relies on: rows of every command of a script, a usable connection after a
// script failed inside its own transaction, and LISTEN that comes back after its connection is lost.

let url: string;
let queueDb: QueueDatabase;
let admin: postgres.Sql;

beforeAll(async () => {
  url = await createTestDatabase();
  // One connection for statements with parameters (scripts have their own, also one).
  queueDb = createQueueDatabase({ connectionString: url, max: 1, connectTimeoutSeconds: 2 });
  admin = postgres(url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await queueDb?.close();
  await admin?.end({ timeout: 5 });
});

describe('the queue database', () => {
  it('prepares statements with parameters and reuses them on their connection', async () => {
    for (const n of [1, 2, 3]) {
      const { rows } = await queueDb.executeSql('select $1::int + 1 as answer /* queue probe */', [n]);
      expect(rows).toEqual([{ answer: n + 1 }]);
    }
    // With a parameter, so it runs on the same (only) connection of the pool.
    const { rows } = await queueDb.executeSql(
      'select count(*)::int as n from pg_prepared_statements where statement like $1 and not from_sql',
      ['%queue probe%'],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('returns the rows of every command of a script, as pg-boss reads them', async () => {
    const result = (await queueDb.executeSql('begin; select 1 as a; select 2 as b; commit;')) as unknown as {
      rows: unknown[];
    }[];
    expect(result.flatMap((r) => r.rows)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('leaves the connection usable after a script fails inside its own transaction', async () => {
    await expect(queueDb.executeSql('begin; select 1 / 0; commit;')).rejects.toThrow(/division by zero/);
    const { rows } = await queueDb.executeSql("select 'usable' as still");
    expect(rows).toEqual([{ still: 'usable' }]);
  });

  it('passes JSON as pg does: an object encoded, a string (already encoded) as it is, undefined as null', async () => {
    const { rows } = await queueDb.executeSql('select $1::jsonb as object, $2::jsonb as text, $3::text as nothing', [
      { orderId: 'ord_1' },
      JSON.stringify({ orderId: 'ord_2' }),
      undefined,
    ]);
    expect(rows).toEqual([{ object: { orderId: 'ord_1' }, text: { orderId: 'ord_2' }, nothing: null }]);
  });

  it('hears NOTIFY, and after its connection is killed listens again and says so', async () => {
    const heard: string[] = [];
    let reconnects = 0;
    const handle = await queueDb.listen(
      'queue_database_test',
      (payload) => heard.push(payload),
      () => reconnects++,
    );
    try {
      await admin`select pg_notify('queue_database_test', 'first')`;
      await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['first']);
      expect(reconnects).toBe(0);

      await admin`select pg_terminate_backend(pid) from pg_stat_activity
                   where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`;
      await expect.poll(() => reconnects, { timeout: 10_000 }).toBe(1);
      await admin`select pg_notify('queue_database_test', 'second')`;
      await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['first', 'second']);
    } finally {
      await handle.close();
    }
  });
});
