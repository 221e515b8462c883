import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Overview } from '../dto/overview';
import { getOverview, tableSizes } from '../services/stats';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';
import { Id } from './inputs';

const rest = restFor('stats');

export const statsRouter = {
  tables: protectedProcedure
    .meta(rest('GET', '/stats/tables', "Bytes on disk of Hookline's and pg-boss's tables, indexes included (admin)"))
    .input(z.object({}).default({}))
    .output(z.object({ tables: z.array(z.object({ table: z.string(), bytes: z.number().int() })) }))
    .query(({ ctx }) => tableSizes(ctx.db, ctx.principal)),
  overview: protectedProcedure
    .meta(rest('GET', '/stats/overview', 'Queue depth, delivery rate, dead letters and disabled endpoints'))
    .input(z.object({ appId: Id.optional() }).default({}))
    .output(Overview)
    .query(({ ctx, input }) => getOverview(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
