import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { Application } from '../dto/application';
import { Page, PageInput } from '../dto/page';
import { createApplication, getApplication, listApplications } from '../services/applications';
import { protectedProcedure } from '../trpc';
import { restFor } from './rest';
import { Id, Text } from './inputs';

const rest = restFor('applications');

export const applicationsRouter = {
  create: protectedProcedure
    .meta(rest('POST', '/applications', 'Create an application (a tenant)'))
    .input(z.object({ name: Text.trim().min(1).max(200) }))
    .output(Application)
    .mutation(({ ctx, input }) => createApplication(ctx, ctx.principal, input)),
  list: protectedProcedure
    .meta(rest('GET', '/applications', 'List applications'))
    .input(z.object(PageInput).default({ limit: 50 }))
    .output(Page(Application))
    .query(({ ctx, input }) => listApplications(ctx, ctx.principal, input)),
  get: protectedProcedure
    .meta(rest('GET', '/applications/{appId}', 'Get an application'))
    .input(z.object({ appId: Id }))
    .output(Application)
    .query(({ ctx, input }) => getApplication(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
