import type { PublishableEvent } from '@hookline/schema';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Event } from '../dto/event';
import { chooseIdempotencyKey, IdempotencyKeyHeader, refuseIdempotencyKeyHeader } from '../idempotency-key-header';
import { Page, PageInput } from '../dto/page';
import { Delivery } from '../dto/delivery';
import { getEvent, listEvents, resendEvent } from '../services/events';
import { publishEvents } from '../services/publish-events';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';
import { Id, IdempotencyKey, OrderingKey, StorableJson, Text } from './inputs';

const rest = restFor('events');

const EventFields = {
  type: Text.min(1).max(200),
  version: Text.min(1).max(20),
  // Checked against the (type, version) schema in publishEvents, which names the failing field.
  data: StorableJson,
  idempotencyKey: IdempotencyKey.optional(),
  orderingKey: OrderingKey.optional(),
};

type TypedEvent = PublishableEvent & { idempotencyKey?: string; orderingKey?: string };

/**
 * At run time the payload is checked against the registry; at compile time the input is the
 * union of every registered (type, version, data), so a typed client cannot send 2.0's shape as 1.0.
 */
const PublishInput = z.object({ appId: Id, ...EventFields }) as unknown as z.ZodType<
  TypedEvent & { appId: string },
  TypedEvent & { appId: string }
>;

// A batch commits as one transaction; this bounds its size and the time it holds locks.
const maxBatchSize = 1_000;

const PublishBatchInput = z.object({
  appId: Id,
  events: z.array(z.object(EventFields)).min(1).max(maxBatchSize),
}) as unknown as z.ZodType<{ appId: string; events: TypedEvent[] }, { appId: string; events: TypedEvent[] }>;

const PublishResult = z.object({
  id: z.string(),
  duplicate: z.boolean(),
  deliveries: z.array(z.object({ id: z.string(), endpointId: z.string() })),
  warnings: z.array(z.string()),
});

export const eventsRouter = {
  publish: protectedProcedure
    .meta(rest('POST', '/applications/{appId}/events', 'Publish an event', { headers: IdempotencyKeyHeader }))
    .input(PublishInput)
    .output(PublishResult)
    .mutation(async ({ ctx, input }) => {
      const { appId, ...fields } = input;
      const idempotencyKey = chooseIdempotencyKey(fields.idempotencyKey, ctx.idempotencyKeyHeader);
      const event = { ...fields, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) };
      const [result] = await publishEvents(ctx, ctx.principal, { appId, items: [event], pathPrefix: () => [] });
      return result!;
    }),
  publishBatch: protectedProcedure
    .meta(rest('POST', '/applications/{appId}/events/batch', 'Publish up to 1,000 events in one transaction'))
    .input(PublishBatchInput)
    .output(z.object({ events: z.array(PublishResult) }))
    .mutation(async ({ ctx, input }) => {
      refuseIdempotencyKeyHeader(ctx.idempotencyKeyHeader);
      return {
        events: await publishEvents(ctx, ctx.principal, {
          appId: input.appId,
          items: input.events,
          pathPrefix: (i) => ['events', i],
        }),
      };
    }),
  get: protectedProcedure
    .meta(rest('GET', '/events/{eventId}', 'Get an event'))
    .input(z.object({ eventId: Id }))
    .output(Event)
    .query(({ ctx, input }) => getEvent(ctx, ctx.principal, input)),
  list: protectedProcedure
    .meta(rest('GET', '/applications/{appId}/events', "List an application's events, newest first"))
    .input(
      z.object({
        appId: Id,
        type: Text.max(200).optional(),
        /** Published at or after this time. */
        since: z.iso
          .datetime()
          .transform((s) => new Date(s))
          .optional(),
        /** Published before this time. */
        until: z.iso
          .datetime()
          .transform((s) => new Date(s))
          .optional(),
        ...PageInput,
      }),
    )
    .output(Page(Event))
    .query(({ ctx, input }) => listEvents(ctx, ctx.principal, input)),
  /** Sends an existing event to one endpoint of its application again, as a new delivery. */
  resend: protectedProcedure
    .meta(
      rest(
        'POST',
        '/events/{eventId}/resend',
        'Send an event to one endpoint of its application again, as a new delivery',
        {
          errors: { 409: 'The endpoint is disabled; enable it first' },
        },
      ),
    )
    .input(z.object({ eventId: Id, endpointId: Id }))
    .output(Delivery)
    .mutation(({ ctx, input }) => resendEvent(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
