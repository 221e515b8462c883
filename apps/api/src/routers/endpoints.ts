import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Endpoint, EndpointWithSecret } from '../models/endpoint';
import { Page, PageInput } from '../models/page';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, updateEndpoint } from '../services/endpoints';
import { protectedProcedure } from '../trpc';
import { EndpointUrl, EventTypePatterns, Id, RetrySchedule, VersionPins } from './inputs';

export const endpointsRouter = {
  create: protectedProcedure
    .input(
      z.object({
        appId: Id,
        url: EndpointUrl,
        description: z.string().max(1000).optional(),
        eventTypes: EventTypePatterns.optional(),
        versionPins: VersionPins.optional(),
        retrySchedule: RetrySchedule.optional(),
      }),
    )
    .output(EndpointWithSecret)
    .mutation(({ ctx, input }) => createEndpoint(ctx, ctx.principal, input)),
  list: protectedProcedure
    .input(z.object({ appId: Id, ...PageInput }))
    .output(Page(Endpoint))
    .query(({ ctx, input }) => listEndpoints(ctx, ctx.principal, input)),
  get: protectedProcedure
    .input(z.object({ endpointId: Id }))
    .output(Endpoint)
    .query(({ ctx, input }) => getEndpoint(ctx, ctx.principal, input)),
  update: protectedProcedure
    .input(
      z.object({
        endpointId: Id,
        url: EndpointUrl.optional(),
        description: z.string().max(1000).optional(),
        eventTypes: EventTypePatterns.nullable().optional(),
        // Replaces every pin; {} removes them all.
        versionPins: VersionPins.optional(),
        retrySchedule: RetrySchedule.nullable().optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .output(Endpoint)
    .mutation(({ ctx, input }) => updateEndpoint(ctx, ctx.principal, input)),
  delete: protectedProcedure
    .input(z.object({ endpointId: Id }))
    .output(z.object({ id: z.string(), deleted: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteEndpoint(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
