import type { Command } from 'commander';
import { print, type CliContext } from '../context';
import { formatJson, formatTable } from '../output';

export function registerEventTypes(program: Command, ctx: CliContext): void {
  const eventTypes = program.command('event-types').description('the event catalog: list, show');

  eventTypes
    .command('list')
    .description('list event types and their versions')
    .action(async (_options, command: Command) => {
      const types = await (await ctx.client()).eventTypes.list.query();
      print(ctx, command, types, () =>
        formatTable(types, [
          { header: 'type', value: (t) => t.type },
          {
            header: 'versions',
            value: (t) => t.versions.map((v) => v.version + (v.deprecated ? ' (deprecated)' : '')).join(', '),
          },
          { header: 'description', value: (t) => t.description },
        ]),
      );
    });

  eventTypes
    .command('show')
    .description("show one event type: each version's JSON Schema, example and conversions")
    .argument('<type>', 'e.g. order.created')
    .action(async (type: string, _options, command: Command) => {
      const eventType = await (await ctx.client()).eventTypes.get.query({ type });
      print(ctx, command, eventType, () =>
        [
          `${eventType.type}: ${eventType.description}\n`,
          ...eventType.versions.map(
            (v) =>
              `\nversion ${v.version}${v.deprecated ? ' (deprecated)' : ''}: ${v.description}\n` +
              `converts to: ${v.convertsTo.join(', ') || '-'}\n` +
              `JSON Schema:\n${formatJson(v.jsonSchema)}` +
              `example:\n${formatJson(v.example)}`,
          ),
        ].join(''),
      );
    });
}
