/**
 * The standalone entry points have no embedded fallback: without DATABASE_URL this throws an error
 * that says what to do, and the entry point exits with it.
 */
export function requireDatabaseUrl(url: string | undefined): string {
  if (url) return url;
  throw new Error(
    'DATABASE_URL is not set. Set it, or run `npm start` at the repository root to use embedded PostgreSQL.',
  );
}
