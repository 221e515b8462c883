import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { DeadLetter } from '../dto/dead-letter';
import { Page, PageInput } from '../dto/page';
import { listDeadLetters, maxReplayPerCall, replayDeadLetters } from '../services/dead-letters';
import { protectedProcedure } from '../trpc';
import { Id, Text, Timestamp } from './inputs';
import { restFor } from './rest';

const rest = restFor('dead-letters');

const DeadLetterFilter = z.object({
  appId: Id.optional(),
  endpointId: Id.optional(),
  /** Event type, exactly (order.created). */
  type: Text.min(1).max(200).optional(),
  /** Dead-lettered at or after this time. */
  since: Timestamp.optional(),
  /** Dead-lettered before this time. */
  until: Timestamp.optional(),
});

const ReplayInput = z
  .object({
    ids: z.array(z.guid()).min(1).max(maxReplayPerCall).optional(),
    filter: DeadLetterFilter.optional(),
    /** Count and sample what would be replayed, and change nothing. */
    dryRun: z.boolean().default(false),
  })
  .refine((input) => (input.ids === undefined) !== (input.filter === undefined), {
    message: 'pass exactly one of ids (dead-letter ids from deadLetters.list) or filter',
    path: ['ids'],
  });

const ReplayResult = z.discriminatedUnion('dryRun', [
  z.object({
    dryRun: z.literal(true),
    /** Dead letters that match. */
    count: z.number().int(),
    /** Of those, how many would be left alone because their endpoint is disabled. */
    endpointDisabled: z.number().int(),
    sample: z.array(DeadLetter),
    notFound: z.array(z.string()),
  }),
  z.object({
    dryRun: z.literal(false),
    /** Deliveries re-queued as a manual attempt. */
    replayed: z.number().int(),
    /** Left in the dead-letter queue because their endpoint is disabled. */
    endpointDisabled: z.number().int(),
    /** More matched than one call replays; call again. */
    hasMore: z.boolean(),
    /** Ids that are not waiting dead letters you can see (unknown, or replayed already). */
    notFound: z.array(z.string()),
  }),
]);

export const deadLettersRouter = {
  list: protectedProcedure
    .meta(rest('GET', '/dead-letters', 'List dead letters waiting for an operator, newest first'))
    .input(DeadLetterFilter.extend(PageInput).default({ limit: 50 }))
    .output(Page(DeadLetter))
    .query(({ ctx, input }) => listDeadLetters(ctx, ctx.principal, input)),
  replay: protectedProcedure
    .meta(rest('POST', '/dead-letters/replay', 'Replay dead letters by id or filter, or count them with dryRun'))
    .input(ReplayInput)
    .output(ReplayResult)
    .mutation(({ ctx, input }) => replayDeadLetters(ctx, ctx.principal, input)),
} satisfies TRPCRouterRecord;
