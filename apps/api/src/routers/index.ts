import { z } from 'zod';
import { publicProcedure, router } from '../trpc';
import { apiKeysRouter } from './api-keys';
import { restFor } from './rest';
import { applicationsRouter } from './applications';
import { deadLettersRouter } from './dead-letters';
import { deliveriesRouter } from './deliveries';
import { endpointsRouter } from './endpoints';
import { eventTypesRouter } from './event-types';
import { eventsRouter } from './events';
import { statsRouter } from './stats';

const rest = restFor('health');

export const appRouter = router({
  health: publicProcedure
    .meta(rest('GET', '/health', 'Health check', { protect: false }))
    .output(z.object({ status: z.literal('ok') }))
    .query(async ({ ctx }) => {
      await ctx.db.execute('select 1');
      return { status: 'ok' as const };
    }),
  applications: applicationsRouter,
  endpoints: endpointsRouter,
  events: eventsRouter,
  deliveries: deliveriesRouter,
  eventTypes: eventTypesRouter,
  apiKeys: apiKeysRouter,
  deadLetters: deadLettersRouter,
  stats: statsRouter,
});

export type AppRouter = typeof appRouter;
