import type http from 'node:http';
import { TRPCError, type TRPCDefaultErrorShape } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import type { Context } from './context';
import { CommitOutcomeUnknownError, isDatabaseUnavailable, isRejectedValue, sqlState } from './database-errors';
import {
  AppError,
  appErrorCodes,
  boundIssues,
  describeIssues,
  payloadTooLargeMessage,
  type AppErrorCode,
  type ValidationIssue,
} from './errors';

/**
 * The one place errors become what a caller reads, for both faces: tRPC's envelope (`data.code` is
 * Hookline's stable snake_case code) and REST's `{ code, message, issues? }`. Anything not classified
 * here is an opaque 500.
 */

const trpcCodes = {
  validation: 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  method_not_allowed: 'METHOD_NOT_SUPPORTED',
  conflict: 'CONFLICT',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  rate_limited: 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<AppErrorCode, TRPCError['code']>;

// The reverse, for errors tRPC raises itself (a bad JSON body, an unknown procedure, a body too large,
// the wrong HTTP method). Every one of them is the caller's doing, so none may become a 500.
const appCodesByTrpcCode: Partial<Record<TRPCError['code'], AppErrorCode>> = {
  ...Object.fromEntries(Object.entries(trpcCodes).map(([app, trpc]) => [trpc, app])),
  PARSE_ERROR: 'validation',
  UNSUPPORTED_MEDIA_TYPE: 'validation',
  UNPROCESSABLE_CONTENT: 'validation',
};

/** An AppError as the TRPCError tRPC answers with, keeping it as the cause for the formatter. */
export function toTrpcError(error: AppError): TRPCError {
  return new TRPCError({ code: trpcCodes[error.code], message: error.message, cause: error });
}

/**
 * What a thrown error stands for: an AppError as it is; a database outage or a value PostgreSQL
 * refused as the AppError it means to the caller; anything else unchanged (a bug: an opaque 500).
 */
export function classifyError(error: unknown, logRejected: (error: unknown) => void): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof CommitOutcomeUnknownError) {
    // COMMIT may have been applied: "nothing was stored" could be a lie, and a blind retry a duplicate.
    return new AppError(
      'unavailable',
      'the database connection was lost while the change was committing, so the outcome is unknown: ' +
        'read it back before trying again',
    );
  }
  if (isDatabaseUnavailable(error)) {
    // Nothing was committed (a connection lost before COMMIT was sent rolls the transaction back;
    // after, it is the unknown outcome above), so the caller can safely try again.
    return new AppError('unavailable', 'the database is unavailable; nothing was stored, retry shortly');
  }
  if (isRejectedValue(error)) {
    // The edge schemas should have caught this value; PostgreSQL did. Still the caller's input, so a
    // 400 rather than a 500, and logged so the schema that let it through gets fixed. The database's
    // own text names the query and its parameters, so neither the answer nor the log repeats it.
    logRejected(error);
    return new AppError(
      'validation',
      `a value in the request could not be stored (database code ${sqlState(error) ?? 'unknown'}); check text for NUL characters or unpaired surrogates, and times and cursors for impossible values`,
    );
  }
  return error;
}

/** tRPC's error formatter: every error tRPC answers with, shaped here. */
export function formatTrpcError({
  shape,
  error,
  ctx,
}: {
  shape: TRPCDefaultErrorShape;
  error: TRPCError;
  ctx: Context | undefined;
}) {
  const cause = error.cause;
  if (cause instanceof AppError) {
    return {
      ...shape,
      message: cause.message,
      data: {
        code: cause.code,
        httpStatus: appErrorCodes[cause.code],
        issues: cause.issues,
        ...(cause.omittedIssues > 0 ? { omittedIssues: cause.omittedIssues } : {}),
        path: shape.data.path,
      },
    };
  }
  if (cause instanceof ZodError) {
    const { issues, omitted } = boundIssues(cause.issues);
    return {
      ...shape,
      message: describeIssues(issues, cause.issues.length),
      data: {
        code: 'validation' as const,
        httpStatus: 400,
        issues,
        ...(omitted > 0 ? { omittedIssues: omitted } : {}),
        path: shape.data.path,
      },
    };
  }
  if (error.code !== 'INTERNAL_SERVER_ERROR') {
    // An error tRPC raised itself about the request (bad JSON, no such procedure, wrong method or
    // content type, body too large): the caller's fault, so its message is kept...
    const code = appCodesByTrpcCode[error.code] ?? 'validation';
    // ...except that tRPC's "body too large" does not say what the limit is.
    const message = code === 'payload_too_large' && ctx ? payloadTooLargeMessage(ctx.maxPayloadBytes) : shape.message;
    return {
      ...shape,
      message,
      data: { code, httpStatus: shape.data.httpStatus, issues: undefined, path: shape.data.path },
    };
  }
  // Anything else is a bug or an outage we did not classify: say nothing about its insides.
  return {
    ...shape,
    message: 'Internal server error',
    data: { code: 'internal' as const, httpStatus: 500, issues: undefined, path: shape.data.path },
  };
}

/** What trpc-to-openapi writes for an error: tRPC's formatted shape, whose `data.code` we chose above. */
type FormattedTrpcError = {
  message?: string;
  code?: string;
  data?: { code?: string; issues?: ValidationIssue[]; omittedIssues?: number };
};

/** The REST body for an error tRPC formatted: `{ code, message, issues? }`. */
function restErrorBody(body: FormattedTrpcError) {
  const issues = body.data?.issues;
  const omitted = body.data?.omittedIssues ?? 0;
  return {
    code: body.data?.code ?? 'internal',
    // trpc-to-openapi says only "Input validation failed"; the issues say which field.
    message: issues?.length ? describeIssues(issues, issues.length + omitted) : (body.message ?? 'error'),
    ...(issues?.length ? { issues } : {}),
    ...(omitted > 0 ? { omittedIssues: omitted } : {}),
  };
}

/** Rewrites the JSON error body trpc-to-openapi is about to send into REST's shape. */
export function reshapeRestErrors(res: http.ServerResponse): void {
  const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
  res.end = ((chunk?: unknown) => {
    if (res.statusCode >= 400 && typeof chunk === 'string')
      chunk = JSON.stringify(restErrorBody(JSON.parse(chunk) as FormattedTrpcError));
    return end(chunk);
  }) as typeof res.end;
}

/** Seconds a caller is asked to wait before retrying a 503. */
export const retryAfterSeconds = 1;

/**
 * Adds `Retry-After` to any 503 this response ends up with, whichever face writes it: Node routes
 * every status line through writeHead, explicit or implicit.
 */
export function retryAfterOnUnavailable(res: http.ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    if (statusCode === 503 && !res.hasHeader('retry-after')) res.setHeader('retry-after', String(retryAfterSeconds));
    return writeHead(statusCode, ...rest);
  }) as typeof res.writeHead;
}

/** Answers a REST request refused before it reached a procedure. */
export function sendRestError(res: http.ServerResponse, error: AppError): void {
  res
    .writeHead(appErrorCodes[error.code], { 'content-type': 'application/json' })
    .end(JSON.stringify({ code: error.code, message: error.message }));
}

/** A REST request that failed outside any procedure: an opaque 500, if an answer can still be sent. */
export function sendRestInternalError(res: http.ServerResponse): void {
  if (res.headersSent) return;
  res
    .writeHead(500, { 'content-type': 'application/json' })
    .end(JSON.stringify({ code: 'internal', message: 'Internal server error' }));
}

/** A path neither face serves: says where each one lives. */
export function sendNoRoute(res: http.ServerResponse, message: string): void {
  res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'not_found', message }));
}

/**
 * A 413 for a declared length over the limit, in the body each face gives any other 413, so clients
 * parse one shape: tRPC's envelope, or REST's `{ code, message }`.
 */
export function refuseTooLarge(res: http.ServerResponse, limit: number, face: 'trpc' | 'rest'): void {
  const message = payloadTooLargeMessage(limit);
  const body =
    face === 'rest'
      ? { code: 'payload_too_large', message }
      : {
          error: {
            message,
            code: TRPC_ERROR_CODES_BY_KEY.PAYLOAD_TOO_LARGE,
            data: { code: 'payload_too_large', httpStatus: appErrorCodes.payload_too_large },
          },
        };
  // Closing the connection stops the client from sending the rest of a body nobody will read.
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body));
}
