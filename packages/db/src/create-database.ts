import postgres from 'postgres';

/**
 * Creates database `name` on the server `adminUrl` points at, unless it exists. With `template`,
 * clones it: how tests get a migrated database in milliseconds.
 */
export async function createDatabaseIfMissing(
  adminUrl: string,
  name: string,
  { template }: { template?: string } = {},
) {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [existing] = await sql`select 1 from pg_database where datname = ${name}`;
    if (existing) return;
    await sql.unsafe(`create database "${name}"${template ? ` template "${template}"` : ''}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** `adminUrl` with its database swapped for `name`. */
export function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
