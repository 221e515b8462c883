/**
 * Optional: with `BENCH_PG_STAT_STATEMENTS=1` (and the embedded server, which then loads the
 * extension; or a DATABASE_URL server that already preloads it), the scenarios that run Hookline
 * print the statements that took the most database time during their measured window, per call.
 */
import type postgres from 'postgres';

export const statementsWanted = () => process.env.BENCH_PG_STAT_STATEMENTS === '1';

/** Creates the extension in the scenario's database and zeroes the counters; false when unavailable. */
export async function resetStatements(sql: postgres.Sql, log: (message: string) => void): Promise<boolean> {
  if (!statementsWanted()) return false;
  try {
    await sql`create extension if not exists pg_stat_statements`;
    await sql`select pg_stat_statements_reset()`;
    return true;
  } catch (error) {
    log(
      `pg_stat_statements unavailable (${error instanceof Error ? error.message : String(error)}); it needs shared_preload_libraries`,
    );
    return false;
  }
}

/** Logs the top statements of this database since the reset, with calls and time per `per` unit. */
export async function logStatements(
  sql: postgres.Sql,
  per: number,
  unit: string,
  log: (message: string) => void,
  top = 15,
): Promise<void> {
  const rows = await sql<{ calls: string; total: number; plan: number; rows: string; query: string }[]>`
    select s.calls::text, s.total_exec_time as total, s.total_plan_time as plan, s.rows::text, s.query
      from pg_stat_statements s
     where s.dbid = (select oid from pg_database where datname = current_database())
     order by s.total_exec_time desc
     limit ${top}`;
  const [sum] = await sql<{ total: number; plan: number; calls: string }[]>`
    select coalesce(sum(total_exec_time), 0) as total, coalesce(sum(total_plan_time), 0) as plan,
           coalesce(sum(calls), 0)::text as calls from pg_stat_statements
     where dbid = (select oid from pg_database where datname = current_database())`;
  log(
    `pg_stat_statements: ${Number(sum!.calls)} calls, ${(sum!.total / per).toFixed(3)} ms execution and ` +
      `${(sum!.plan / per).toFixed(3)} ms planning per ${unit} ` +
      `(${(Number(sum!.calls) / per).toFixed(2)} calls per ${unit}); top statements:`,
  );
  for (const row of rows) {
    const query = row.query.replace(/\s+/g, ' ').slice(0, 160);
    log(
      `  ${(row.total / per).toFixed(4)} ms exec + ${(row.plan / per).toFixed(4)} ms plan /${unit}  ` +
        `${(Number(row.calls) / per).toFixed(3)} calls/${unit}  ` +
        `${Number(row.rows)} rows  ${query}`,
    );
  }
}
