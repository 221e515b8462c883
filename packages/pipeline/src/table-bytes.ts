import type { Database } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { queueSchema } from './names';

/** One of Hookline's or pg-boss's tables and what it occupies on disk, indexes and TOAST included. */
export type TableBytes = { table: string; bytes: number };

/**
 * The size of every table in the public schema (Hookline's) and pg-boss's schema, each with its indexes
 * and TOAST. A partitioned table (pg-boss's job table) is reported as the sum of its partitions, under
 * the parent's name, so the list stays short however many queues exist. For the `stats` view and the
 * `hookline_table_bytes{table}` gauge.
 */
export async function tableBytes(db: Database): Promise<TableBytes[]> {
  const rows = (await db.execute(sql`
    select n.nspname || '.' || c.relname as "table",
           case when c.relkind = 'p'
                -- pg_partition_tree lists nothing for a plain table, so only a partitioned one is summed.
                then (select coalesce(sum(pg_total_relation_size(p.relid)), 0) from pg_partition_tree(c.oid) p)
                else pg_total_relation_size(c.oid)
           end::bigint as bytes
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', ${queueSchema})
       and c.relkind in ('r', 'p')
       and not c.relispartition
     order by 1`)) as unknown as { table: string; bytes: string | number }[];
  return rows.map((r) => ({ table: r.table, bytes: Number(r.bytes) }));
}
