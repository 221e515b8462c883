import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError } from 'zod';
import type { Context } from './context';
import { isDatabaseUnavailable, isRejectedValue } from './database-errors';
import { AppError, appErrorCodes, describeIssues, payloadTooLargeMessage, type AppErrorCode } from './errors';

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

/** The one place expected errors become wire errors: `data.code` is Hookline's stable snake_case code. */
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const cause = error.cause;
      if (cause instanceof AppError) {
        return {
          ...shape,
          message: cause.message,
          data: {
            code: cause.code,
            httpStatus: appErrorCodes[cause.code],
            issues: cause.issues,
            path: shape.data.path,
          },
        };
      }
      if (cause instanceof ZodError) {
        const issues = cause.issues.map((i) => ({
          path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
          message: i.message,
        }));
        return {
          ...shape,
          message: describeIssues(issues),
          data: { code: 'validation' as const, httpStatus: 400, issues, path: shape.data.path },
        };
      }
      if (error.code !== 'INTERNAL_SERVER_ERROR') {
        // An error tRPC raised itself about the request (bad JSON, no such procedure, wrong method or
        // content type, body too large): the caller's fault, so its message is kept...
        const code = appCodesByTrpcCode[error.code] ?? 'validation';
        // ...except that tRPC's "body too large" does not say what the limit is.
        const message =
          code === 'payload_too_large' && ctx ? payloadTooLargeMessage(ctx.maxPayloadBytes) : shape.message;
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
    },
  });

/** Turns a thrown AppError into the matching TRPCError, keeping it as the cause for the formatter. */
const mapAppErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (result.ok) return result;
  let cause = result.error.cause;
  if (!(cause instanceof AppError) && isDatabaseUnavailable(cause)) {
    // Nothing was committed (a transaction that cannot reach the database cannot commit), so the
    // caller can safely try again.
    cause = new AppError('unavailable', 'the database is unavailable; nothing was stored, retry shortly');
  }
  if (!(cause instanceof AppError) && isRejectedValue(cause)) {
    // The edge schemas should have caught this value; PostgreSQL did. Still the caller's input, so a
    // 400 rather than a 500, and logged so the schema that let it through gets fixed.
    ctx.log('a value reached PostgreSQL and was rejected there', { path, error: cause });
    cause = new AppError('validation', `a value could not be stored: ${(cause as Error).message}`);
  }
  if (cause instanceof AppError) {
    throw new TRPCError({ code: trpcCodes[cause.code], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapAppErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) {
    throw new AppError('unauthorized', ctx.authProblem ?? 'missing API key: send "Authorization: Bearer <key>"');
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});
