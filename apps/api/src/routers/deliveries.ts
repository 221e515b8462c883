import { deliveryStatuses } from '@hookline/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Delivery, DeliveryWithAttempts } from '../models/delivery';
import { Page, PageInput } from '../models/page';
import { getDelivery, listDeliveries } from '../services/deliveries';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';
import { Id } from './inputs';

const rest = restFor('deliveries');

export const deliveriesRouter = {
  list: protectedProcedure
    .meta(rest('GET', '/deliveries', 'List deliveries by event, endpoint or status'))
    .input(
      z
        .object({ eventId: Id.optional(), endpointId: Id.optional(), status: z.enum(deliveryStatuses).optional(), ...PageInput })
        .default({ limit: 50 }),
    )
    .output(Page(Delivery))
    .query(({ ctx, input }) => listDeliveries(ctx, ctx.principal, input)),
  get: protectedProcedure
    .meta(rest('GET', '/deliveries/{deliveryId}', 'Get a delivery with its attempts'))
    .input(z.object({ deliveryId: Id }))
    .output(DeliveryWithAttempts)
    .query(({ ctx, input }) => getDelivery(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
