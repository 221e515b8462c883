// Whether an error means the database could not be reached or went away, as opposed to a query that
// is wrong. The API answers these with a 503 the caller can retry; the worker waits them out quietly.

/** Codes from postgres.js, node-postgres (pg-boss's driver), Node's sockets and PostgreSQL itself. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // Ours: a request waited too long for a connection, or the database is known to be unreachable.
  'DATABASE_UNREACHABLE',
  'CONNECTION_WAIT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006', // connection exceptions
  '53300', // too_many_connections
]);

// node-postgres reports some connection failures with a message and no code.
const unavailableMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
  /^Client was closed and is not queryable/,
];

type ErrorFields = { code?: unknown; message?: unknown; errors?: unknown };

/** Whether the error or one of its causes (Drizzle and pg-boss wrap the driver's error) matches. */
export function anyCause(error: unknown, matches: (e: ErrorFields & Record<string, unknown>) => boolean): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (matches(e as ErrorFields & Record<string, unknown>)) return true;
    // Node reports a refused dual-stack connect as an AggregateError of one error per address.
    const inner = (e as ErrorFields).errors;
    if (Array.isArray(inner) && inner.some((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return anyCause(
    error,
    ({ code, message }) =>
      (typeof code === 'string' && unavailableCodes.has(code)) ||
      (typeof message === 'string' && unavailableMessages.some((m) => m.test(message))),
  );
}

/** Thrown instead of running a statement: the database is known to be unreachable, or no connection came in time. */
export class DatabaseUnreachableError extends Error {
  constructor(
    readonly code: 'DATABASE_UNREACHABLE' | 'CONNECTION_WAIT_TIMEOUT',
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseUnreachableError';
  }
}

/**
 * The connection was lost after the transaction's work was done, while COMMIT was on its way: the
 * database may or may not have committed it. Never report this as "nothing was stored".
 */
export class CommitOutcomeUnknownError extends Error {
  readonly code = 'COMMIT_OUTCOME_UNKNOWN';
  constructor(cause: unknown) {
    super('the connection to the database was lost while the transaction was committing; the outcome is unknown', {
      cause,
    });
    this.name = 'CommitOutcomeUnknownError';
  }
}
