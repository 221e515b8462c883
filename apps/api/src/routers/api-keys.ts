import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ApiKey, ApiKeyWithSecret } from '../models/api-key';
import { Page, PageInput } from '../models/page';
import { createKey, listKeys, revokeKey } from '../services/api-keys';
import { protectedProcedure } from '../trpc';
import { Id, Text } from './inputs';

export const apiKeysRouter = {
  create: protectedProcedure
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
    .input(z.object({ appId: Id.optional(), ...PageInput }).default({ limit: 50 }))
    .output(Page(ApiKey))
    .query(({ ctx, input }) => listKeys(ctx, ctx.principal, input)),
  revoke: protectedProcedure
    .input(z.object({ keyId: Id }))
    .output(ApiKey)
    .mutation(({ ctx, input }) => revokeKey(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
