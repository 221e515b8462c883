import { signingSchemes } from '@hookline/db';
import { maxGraceSeconds } from '@hookline/signing-keys';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Endpoint, EndpointWithSecret } from '../dto/endpoint';
import { EndpointFilter } from '../dto/endpoint-filter';
import { EndpointHeaders } from '../dto/endpoint-headers';
import { MaxInFlight, RateLimit } from '../dto/endpoint-limits';
import { EndpointSigningKeys } from '../dto/endpoint-signing-keys';
import { Page, PageInput } from '../dto/page';
import { getEndpointSigningKeys, rotateEndpointSigningKey } from '../services/endpoint-signing-keys';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, updateEndpoint } from '../services/endpoints';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';
import { EndpointUrl, EventTypePatterns, Id, RetrySchedule, Text, VersionPins } from './inputs';

const rest = restFor('endpoints');

export const endpointsRouter = {
  create: protectedProcedure
    .meta(rest('POST', '/applications/{appId}/endpoints', 'Create an endpoint; returns its signing secret'))
    .input(
      z.object({
        appId: Id,
        url: EndpointUrl,
        description: Text.max(1000).optional(),
        eventTypes: EventTypePatterns.optional(),
        versionPins: VersionPins.optional(),
        retrySchedule: RetrySchedule.optional(),
        filter: EndpointFilter.nullable().optional(),
        headers: EndpointHeaders.optional(),
        rateLimit: RateLimit.nullable().optional(),
        maxInFlight: MaxInFlight.optional(),
        /** `hmac` (default) or `ed25519`; see Endpoint.signing. */
        signing: z.enum(signingSchemes).optional(),
      }),
    )
    .output(EndpointWithSecret)
    .mutation(({ ctx, input }) => createEndpoint(ctx, ctx.principal, input)),
  list: protectedProcedure
    .meta(rest('GET', '/applications/{appId}/endpoints', "List an application's endpoints"))
    .input(z.object({ appId: Id, ...PageInput }))
    .output(Page(Endpoint))
    .query(({ ctx, input }) => listEndpoints(ctx, ctx.principal, input)),
  get: protectedProcedure
    .meta(rest('GET', '/endpoints/{endpointId}', 'Get an endpoint'))
    .input(z.object({ endpointId: Id }))
    .output(Endpoint)
    .query(({ ctx, input }) => getEndpoint(ctx, ctx.principal, input)),
  update: protectedProcedure
    .meta(rest('PATCH', '/endpoints/{endpointId}', 'Update an endpoint; returns the headers it sets, once'))
    .input(
      z.object({
        endpointId: Id,
        url: EndpointUrl.optional(),
        description: Text.max(1000).optional(),
        eventTypes: EventTypePatterns.nullable().optional(),
        // Replaces every pin; {} removes them all.
        versionPins: VersionPins.optional(),
        retrySchedule: RetrySchedule.nullable().optional(),
        // Replaces the filter; null removes it.
        filter: EndpointFilter.nullable().optional(),
        // Replaces every header; null or {} removes them all.
        headers: EndpointHeaders.nullable().optional(),
        // null removes the rate limit.
        rateLimit: RateLimit.nullable().optional(),
        maxInFlight: MaxInFlight.optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .output(Endpoint)
    .mutation(({ ctx, input }) => updateEndpoint(ctx, ctx.principal, input)),
  delete: protectedProcedure
    .meta(rest('DELETE', '/endpoints/{endpointId}', 'Delete an endpoint and its deliveries'))
    .input(z.object({ endpointId: Id }))
    .output(z.object({ id: z.string(), deleted: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteEndpoint(ctx, ctx.principal, input)),
  getSecret: protectedProcedure
    .meta(rest('GET', '/endpoints/{endpointId}/secret', "Get the keys receivers verify this endpoint's webhooks with"))
    .input(z.object({ endpointId: Id }))
    .output(EndpointSigningKeys)
    .query(({ ctx, input }) => getEndpointSigningKeys(ctx, ctx.principal, input)),
  rotateSecret: protectedProcedure
    .meta(
      rest(
        'POST',
        '/endpoints/{endpointId}/secret/rotate',
        'Rotate the signing key; old keys keep signing for graceSeconds',
      ),
    )
    .input(
      z.object({
        endpointId: Id,
        /** How long the previous keys keep signing; 0 retires them at once (a leaked secret). Default 24 h. */
        graceSeconds: z.number().int().min(0).max(maxGraceSeconds).optional(),
        /** Switch the scheme with the rotation; default: keep it. */
        signing: z.enum(signingSchemes).optional(),
      }),
    )
    .output(EndpointSigningKeys)
    .mutation(({ ctx, input }) => rotateEndpointSigningKey(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
