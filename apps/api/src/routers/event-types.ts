import { listEventTypes } from '@hookline/schema';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';

const rest = restFor('event-types');

const EventTypeVersion = z.object({
  version: z.string(),
  description: z.string(),
  deprecated: z.boolean(),
  jsonSchema: z.record(z.string(), z.unknown()),
  example: z.unknown(),
  convertsTo: z.array(z.string()),
});

export const EventTypeInfo = z.object({
  type: z.string(),
  description: z.string(),
  versions: z.array(EventTypeVersion),
});

export const eventTypesRouter = {
  list: protectedProcedure
    .meta(rest('GET', '/event-types', 'List event types with their versions and JSON Schemas'))
    .output(z.array(EventTypeInfo))
    .query(() => listEventTypes() as z.infer<typeof EventTypeInfo>[]),
} satisfies TRPCRouterRecord;
