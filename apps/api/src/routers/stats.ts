import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { tableSizes } from '../services/stats';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';

const rest = restFor('stats');

export const statsRouter = {
  tables: protectedProcedure
    .meta(rest('GET', '/stats/tables', "Bytes on disk of Hookline's and pg-boss's tables, indexes included (admin)"))
    .input(z.object({}).default({}))
    .output(z.object({ tables: z.array(z.object({ table: z.string(), bytes: z.number().int() })) }))
    .query(({ ctx }) => tableSizes(ctx.db, ctx.principal)),
} satisfies TRPCRouterRecord;
