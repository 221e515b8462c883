import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Overview } from '../dto/overview';
import { getOverview } from '../services/stats';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';
import { Id } from './inputs';

const rest = restFor('stats');

export const statsRouter = {
  overview: protectedProcedure
    .meta(rest('GET', '/stats/overview', 'Queue depth, delivery rate, dead letters and disabled endpoints'))
    .input(z.object({ appId: Id.optional() }).default({}))
    .output(Overview)
    .query(({ ctx, input }) => getOverview(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
