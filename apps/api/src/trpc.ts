import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context';
import { AppError } from './errors';
import { findTooWideObject, maxObjectKeys } from './input-width';
import { loggableError } from './database-errors';
import { classifyError, formatTrpcError, toTrpcError } from './wire-errors';

const t = initTRPC.context<Context>().meta<OpenApiMeta>().create({ errorFormatter: formatTrpcError });

/** Turns a thrown AppError (or an error that stands for one) into the matching TRPCError. */
const mapAppErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = classifyError(result.error.cause, (error) =>
    ctx.log('a value reached PostgreSQL and was rejected there', { path, error: loggableError(error, path) }),
  );
  if (cause instanceof AppError) throw toTrpcError(cause);
  return result;
});

/** Refuses an input with an object wider than any procedure takes, before zod walks it (input-width.ts). */
const refuseWideInput = t.middleware(async ({ getRawInput, next }) => {
  const path = findTooWideObject(await getRawInput());
  if (path) {
    const message = `has more than ${maxObjectKeys} keys`;
    throw new AppError('validation', `${path.length ? path.join('.') : 'input'}: ${message}`, [{ path, message }]);
  }
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapAppErrors).use(refuseWideInput);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) {
    throw new AppError('unauthorized', ctx.authProblem ?? 'missing API key: send "Authorization: Bearer <key>"');
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});
