import { anyCause } from '@hookline/db';

// Whether the database was unreachable is @hookline/db's to say (the worker asks too).
export { CommitOutcomeUnknownError, isDatabaseUnavailable } from '@hookline/db';

/**
 * PostgreSQL's "data exception" class (SQLSTATE 22…): a value it will not store, such as a NUL character
 * in text or an unpaired surrogate in JSON. Always caused by input, never by the database's health.
 */
export function isRejectedValue(error: unknown): boolean {
  return anyCause(
    error,
    ({ name, code }) => name === 'PostgresError' && typeof code === 'string' && code.startsWith('22'),
  );
}

/** A foreign key violation (SQLSTATE 23503) of the named constraint: the row it points at does not exist. */
export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  return anyCause(error, ({ code, constraint_name }) => code === '23503' && constraint_name === constraint);
}

/** The SQLSTATE of a database error (PostgreSQL's, possibly wrapped by Drizzle), or null for any other error. */
export function sqlState(error: unknown): string | null {
  let found: string | null = null;
  anyCause(error, ({ name, code }) => {
    if (name === 'PostgresError' && typeof code === 'string') found = code;
    return found !== null;
  });
  return found;
}

/**
 * What may be logged about an error. A database error's message holds the SQL and every bound
 * parameter (customer payloads included), so it is logged as its SQLSTATE and the operation that ran
 * the query, never its text; anything else is logged as it is.
 */
export function loggableError(error: unknown, operation: string | undefined): unknown {
  const state = sqlState(error);
  if (state !== null) return { sqlstate: state, query: operation ?? 'unknown' };
  const wrapped = anyCause(error, ({ name }) => name === 'DrizzleQueryError');
  return wrapped ? { query: operation ?? 'unknown', note: 'a query failed without a SQLSTATE' } : error;
}
