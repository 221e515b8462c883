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
