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
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string) => new AppError('not_found', `${what} ${id} was not found`);

/** "data.amount: expected number, received string; data.items: …" — names every field at fault. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

export const payloadTooLargeMessage = (limit: number) =>
  `request body is larger than the limit of ${limit} bytes (HOOKLINE_MAX_PAYLOAD_BYTES); split a batch into smaller ones`;
