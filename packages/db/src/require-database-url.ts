/** The standalone entry points have no embedded fallback: without DATABASE_URL they say what to do and exit. */
export function requireDatabaseUrl(url: string | undefined): string {
  if (url) return url;
  console.error(
    'DATABASE_URL is not set. Set it, or run `npm start` at the repository root to use embedded PostgreSQL.',
  );
  process.exit(1);
}
