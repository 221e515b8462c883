import type { Command } from 'commander';
import { print, printNextPageHint, wantsJson, type CliContext } from '../context';
import { UsageError } from '../errors';
import { parsePositiveInt, parseTime } from '../option-parsers';
import { formatTable, type Column } from '../output';
import { createProgressBar } from '../progress-bar';
import { replayDeadLetters, type DeadLetterFilter } from '../replay-dead-letters';

type FilterOptions = { app?: string; endpoint?: string; type?: string; since?: string; until?: string };

type DeadLetter = {
  id: string;
  deliveryId: string;
  eventType: string;
  endpointId: string;
  attempts: number;
  error: string | null;
  rule: string | null;
  deadLetteredAt: string;
};

const columns: Column<DeadLetter>[] = [
  { header: 'id', value: (d) => d.id },
  { header: 'delivery', value: (d) => d.deliveryId },
  { header: 'type', value: (d) => d.eventType },
  { header: 'endpoint', value: (d) => d.endpointId },
  { header: 'attempts', value: (d) => d.attempts },
  { header: 'rule', value: (d) => d.rule },
  { header: 'dead-lettered', value: (d) => d.deadLetteredAt },
  { header: 'error', value: (d) => d.error },
];

function withFilterOptions(command: Command): Command {
  return command
    .option('--app <appId>', 'only this application (app_…)')
    .option('--endpoint <endpointId>', 'only this endpoint (ep_…)')
    .option('--type <type>', 'only this event type')
    .option('--since <time>', 'dead-lettered at or after: ISO time or an age (30m, 2h, 7d)', (v) => parseTime(v))
    .option('--until <time>', 'dead-lettered before: ISO time or an age', (v) => parseTime(v));
}

const toFilter = (o: FilterOptions): DeadLetterFilter => ({
  appId: o.app,
  endpointId: o.endpoint,
  type: o.type,
  since: o.since,
  until: o.until,
});

export function registerDeadLetters(program: Command, ctx: CliContext): void {
  const deadLetters = program
    .command('dead-letters')
    .description('deliveries that gave up, waiting for an operator: list, replay');

  withFilterOptions(deadLetters.command('list').description('list waiting dead letters, newest first'))
    .option('--limit <n>', 'at most this many (1-250)', parsePositiveInt(250), 50)
    .option('--cursor <cursor>', 'the next page: the cursor a previous list printed')
    .action(async (options: FilterOptions & { limit: number; cursor?: string }, command: Command) => {
      const page = await (
        await ctx.client()
      ).deadLetters.list.query({ ...toFilter(options), limit: options.limit, cursor: options.cursor });
      print(ctx, command, page, () => formatTable(page.items, columns));
      printNextPageHint(ctx, command, page.nextCursor);
    });

  withFilterOptions(
    deadLetters
      .command('replay')
      .description('send matching dead letters again as manual attempts; safe to run twice, resumable after Ctrl-C'),
  )
    .option('--all', 'replay every waiting dead letter (needed when no filter is given)')
    .option('--dry-run', 'count what would be replayed and change nothing')
    .option('--batch-size <n>', 'dead letters replayed per call (1-250)', parsePositiveInt(250), 250)
    .action(
      async (options: FilterOptions & { all?: boolean; dryRun?: boolean; batchSize: number }, command: Command) => {
        const filter = toFilter(options);
        if (!options.all && Object.values(filter).every((v) => v === undefined)) {
          throw new UsageError(
            'dead-letters replay needs a filter (--endpoint, --app, --type, --since, --until) or --all',
          );
        }
        const client = await ctx.client();
        const json = wantsJson(command);

        if (options.dryRun) {
          const result = await client.deadLetters.replay.mutate({ filter, dryRun: true });
          if (!result.dryRun) return;
          print(ctx, command, result, () => {
            const disabled = result.endpointDisabled
              ? ` (${result.endpointDisabled} on disabled endpoints would be left alone)`
              : '';
            const sample = result.sample.length ? `\nthe newest of them:\n${formatTable(result.sample, columns)}` : '';
            return `${result.count} dead letters would be replayed${disabled}; dry run, nothing changed\n${sample}`;
          });
          return;
        }

        const bar = createProgressBar({ stream: ctx.io.stdout, enabled: ctx.io.isTty && !json, label: 'replaying' });
        const summary = await replayDeadLetters({
          client,
          filter,
          batchSize: options.batchSize,
          onStart: (matched) => matched > 0 && bar.start(matched),
          onProgress: (done, matched) => bar.update(done, matched),
        }).finally(() => bar.stop());
        print(ctx, command, summary, () => {
          if (summary.matched === 0) return 'nothing to replay: no waiting dead letters match\n';
          const rate = Math.round(summary.replayed / Math.max(summary.seconds, 0.001));
          const notes = [
            summary.endpointDisabled &&
              `${summary.endpointDisabled} left waiting (endpoint disabled; enable it, then replay again)`,
            summary.alreadyReplayed && `${summary.alreadyReplayed} already replayed by someone else`,
          ].filter(Boolean);
          return (
            `replayed ${summary.replayed} of ${summary.matched} dead letters in ${summary.seconds.toFixed(1)} s (${rate}/s)` +
            (notes.length ? `; ${notes.join('; ')}` : '') +
            '\n'
          );
        });
      },
    );
}
