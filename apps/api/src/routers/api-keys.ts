import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ApiKey, ApiKeyWithSecret } from '../dto/api-key';
import { Page, PageInput } from '../dto/page';
import { createKey, listKeys, revokeKey } from '../services/api-keys';
import { protectedProcedure } from '../trpc';
import { Id, Text } from './inputs';
import { restFor } from './rest';

const rest = restFor('api-keys');

export const apiKeysRouter = {
  create: protectedProcedure
    .meta(rest('POST', '/api-keys', 'Create an API key (admin, or for one application); the key is shown only here'))
    .input(
      z.object({
        /** The application the key may touch; null for an admin key (admins only). */
        appId: Id.nullable(),
        name: Text.trim().min(1).max(200),
      }),
    )
    .output(ApiKeyWithSecret)
    .mutation(({ ctx, input }) => createKey(ctx, ctx.principal, input)),
  list: protectedProcedure
    .meta(rest('GET', '/api-keys', 'List API keys by prefix (never the keys themselves)'))
    .input(z.object({ appId: Id.optional(), ...PageInput }).default({ limit: 50 }))
    .output(Page(ApiKey))
    .query(({ ctx, input }) => listKeys(ctx, ctx.principal, input)),
  revoke: protectedProcedure
    .meta(
      rest('POST', '/api-keys/{keyId}/revoke', 'Revoke an API key at once', {
        errors: { 409: 'The last admin key cannot be revoked' },
      }),
    )
    .input(z.object({ keyId: Id }))
    .output(ApiKey)
    .mutation(({ ctx, input }) => revokeKey(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
