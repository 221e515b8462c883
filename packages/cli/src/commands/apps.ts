import type { Command } from 'commander';
import { print, printNextPageHint, type CliContext } from '../context';
import { parsePositiveInt } from '../option-parsers';
import { formatRecord, formatTable } from '../output';

type Application = { id: string; name: string; createdAt: string };

const columns = [
  { header: 'id', value: (a: Application) => a.id },
  { header: 'name', value: (a: Application) => a.name },
  { header: 'created', value: (a: Application) => a.createdAt },
];

export function registerApps(program: Command, ctx: CliContext): void {
  const apps = program.command('apps').description('applications (tenants): create, list, get');

  apps
    .command('create')
    .description('create an application')
    .argument('<name>', 'a name people recognise, e.g. "Acme Corp"')
    .action(async (name: string, _options, command: Command) => {
      const app = await (await ctx.client()).applications.create.mutate({ name });
      print(ctx, command, app, () => formatRecord(app));
    });

  apps
    .command('list')
    .description('list applications, newest first')
    .option('--limit <n>', 'at most this many (1-250)', parsePositiveInt(250), 50)
    .option('--cursor <cursor>', 'the next page: the cursor a previous list printed')
    .action(async (options: { limit: number; cursor?: string }, command: Command) => {
      const page = await (await ctx.client()).applications.list.query(options);
      print(ctx, command, page, () => formatTable(page.items, columns));
      printNextPageHint(ctx, command, page.nextCursor);
    });

  apps
    .command('get')
    .description('show one application')
    .argument('<appId>', 'app_…')
    .action(async (appId: string, _options, command: Command) => {
      const app = await (await ctx.client()).applications.get.query({ appId });
      print(ctx, command, app, () => formatRecord(app));
    });
}
