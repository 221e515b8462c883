import type { Command } from 'commander';
import { print, printNextPageHint, type CliContext } from '../context';
import { parsePositiveInt } from '../option-parsers';
import { formatJson, formatRecord, formatTable } from '../output';

export function registerEvents(program: Command, ctx: CliContext): void {
  const events = program.command('events').description('published events: list, get');

  events
    .command('list')
    .description("list an application's events, newest first")
    .requiredOption('--app <appId>', 'the application (app_…)')
    .option('--type <type>', 'only this event type')
    .option('--limit <n>', 'at most this many (1-250)', parsePositiveInt(250), 50)
    .option('--cursor <cursor>', 'the next page: the cursor a previous list printed')
    .action(async (options: { app: string; type?: string; limit: number; cursor?: string }, command: Command) => {
      const { app, ...rest } = options;
      const page = await (await ctx.client()).events.list.query({ appId: app, ...rest });
      print(ctx, command, page, () =>
        formatTable(page.items, [
          { header: 'id', value: (e) => e.id },
          { header: 'type', value: (e) => e.type },
          { header: 'version', value: (e) => e.version },
          { header: 'created', value: (e) => e.createdAt },
        ]),
      );
      printNextPageHint(ctx, command, page.nextCursor);
    });

  events
    .command('get')
    .description('show one event with its data')
    .argument('<eventId>', 'evt_…')
    .action(async (eventId: string, _options, command: Command) => {
      const event = await (await ctx.client()).events.get.query({ eventId });
      print(ctx, command, event, () => {
        const { data, ...rest } = event;
        return formatRecord(rest) + `data:\n${formatJson(data)}`;
      });
    });
}
