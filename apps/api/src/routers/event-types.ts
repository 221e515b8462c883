import { getEventType, listEventTypes } from '@hookline/schema';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { AppError } from '../errors';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';

const rest = restFor('event-types');

const EventTypeVersion = z.object({
  version: z.string(),
  description: z.string(),
  deprecated: z.boolean(),
  jsonSchema: z.record(z.string(), z.unknown()),
  example: z.unknown(),
  /** The conversion paths: versions this version's data can be delivered as to a pinned endpoint. */
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
  get: protectedProcedure
    .meta(
      rest('GET', '/event-types/{type}', 'Get one event type: its versions, JSON Schemas, examples and conversions'),
    )
    .input(z.object({ type: z.string().min(1).max(200) }))
    .output(EventTypeInfo)
    .query(({ input }) => {
      const eventType = getEventType(input.type);
      if (!eventType) {
        throw new AppError('not_found', `event type ${input.type} was not found; eventTypes.list shows every type`);
      }
      return eventType as z.infer<typeof EventTypeInfo>;
    }),
} satisfies TRPCRouterRecord;
