import { deliveryStatuses } from '@hookline/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Delivery, DeliveryWithAttempts } from '../dto/delivery';
import { Page, PageInput } from '../dto/page';
import { getDelivery, listDeliveries, retryDelivery } from '../services/deliveries';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';
import { Id } from './inputs';

const rest = restFor('deliveries');
const disabledEndpoint = { 409: "The delivery's endpoint is disabled; enable it first" };

export const deliveriesRouter = {
  list: protectedProcedure
    .meta(rest('GET', '/deliveries', 'List deliveries by event, endpoint or status'))
    .input(
      z
        .object({
          eventId: Id.optional(),
          endpointId: Id.optional(),
          status: z.enum(deliveryStatuses).optional(),
          ...PageInput,
        })
        .default({ limit: 50 }),
    )
    .output(Page(Delivery))
    .query(({ ctx, input }) => listDeliveries(ctx, ctx.principal, input)),
  get: protectedProcedure
    .meta(rest('GET', '/deliveries/{deliveryId}', 'Get a delivery with its attempts'))
    .input(z.object({ deliveryId: Id }))
    .output(DeliveryWithAttempts)
    .query(({ ctx, input }) => getDelivery(ctx, ctx.principal, input)),
  /** Sends the delivery again now, as a manual attempt (recorded with trigger `manual`). */
  retry: protectedProcedure
    .meta(
      rest('POST', '/deliveries/{deliveryId}/retry', 'Send a delivery again now, as a manual attempt', {
        errors: disabledEndpoint,
      }),
    )
    .input(z.object({ deliveryId: Id }))
    .output(Delivery)
    .mutation(({ ctx, input }) => retryDelivery(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
