import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Application } from '../models/application';
import { Page, PageInput } from '../models/page';
import { createApplication, getApplication, listApplications } from '../services/applications';
import { protectedProcedure } from '../trpc';
import { Id, Text } from './inputs';

export const applicationsRouter = {
  create: protectedProcedure
    .input(z.object({ name: Text.trim().min(1).max(200) }))
    .output(Application)
    .mutation(({ ctx, input }) => createApplication(ctx, ctx.principal, input)),
  list: protectedProcedure
    .input(z.object(PageInput).default({ limit: 50 }))
    .output(Page(Application))
    .query(({ ctx, input }) => listApplications(ctx, ctx.principal, input)),
  get: protectedProcedure
    .input(z.object({ appId: Id }))
    .output(Application)
    .query(({ ctx, input }) => getApplication(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
