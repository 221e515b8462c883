/**
 * The closed set of failures a caller can cause or expect. Anything else is a bug: it is logged
 * and answered with an opaque 500.
 */
export const appErrorCodes = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  // A query sent as POST or a mutation as GET: queries are GET, mutations are POST.
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
} as const;
export type AppErrorCode = keyof typeof appErrorCodes;

export type ValidationIssue = { path: (string | number)[]; message: string };

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly issues?: ValidationIssue[],
    /** How many issues were found beyond the ones listed (`issues` holds at most `maxListedIssues`). */
    readonly omittedIssues = 0,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * An error answer must stay small whatever the input: 40,000 broken array items would otherwise be
 * 40,000 issues (megabytes of JSON, seconds of CPU). The first ones say what is wrong; the count says how much.
 */
export const maxListedIssues = 20;
// A single issue can carry a list of its own (zod names every unrecognised key in one message).
const maxIssueMessageLength = 300;

/** The first `maxListedIssues` issues, each message cut to a bounded length, and how many were left out. */
export function boundIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  total = issues.length,
): { issues: ValidationIssue[]; omitted: number } {
  const listed = issues.slice(0, maxListedIssues).map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message.length > maxIssueMessageLength ? `${i.message.slice(0, maxIssueMessageLength)}…` : i.message,
  }));
  return { issues: listed, omitted: total - listed.length };
}

/** A 400 naming the first field at fault in its message, and listing at most `maxListedIssues` issues. */
export function validationError(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  total = issues.length,
): AppError {
  const bounded = boundIssues(issues, total);
  return new AppError('validation', describeIssues(bounded.issues, total), bounded.issues, bounded.omitted);
}

export const notFound = (what: string, id: string) => new AppError('not_found', `${what} ${id} was not found`);

/**
 * "data.amount: expected number, received string (and 3 more problems, listed in issues)": names the first
 * field at fault and counts the rest, without repeating the list `issues` already carries.
 */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  total = issues.length,
): string {
  const first = issues[0];
  if (!first) return 'invalid input';
  const text = first.path.length ? `${first.path.map(String).join('.')}: ${first.message}` : first.message;
  const more = total - 1;
  return more > 0 ? `${text} (and ${more} more problem${more === 1 ? '' : 's'}, listed in issues)` : text;
}

export const payloadTooLargeMessage = (limit: number) =>
  `request body is larger than the limit of ${limit} bytes (HOOKLINE_MAX_PAYLOAD_BYTES); split a batch into smaller ones`;
