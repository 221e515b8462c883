import type { HooklineClient } from '@hookline/client';
import type { Command } from 'commander';
import { print, type CliContext } from '../context';
import { formatRecord } from '../output';
import { readJsonData } from '../read-data';

type PublishInput = Parameters<HooklineClient['events']['publish']['mutate']>[0];

export function registerPublish(program: Command, ctx: CliContext): void {
  program
    .command('publish')
    .description('publish an event; the API checks --data against the (type, version) schema')
    .argument('<type>', 'the event type, e.g. order.created')
    .requiredOption('--app <appId>', 'the application (app_…)')
    .requiredOption('--version <version>', 'the schema version the data follows, e.g. 1.0')
    .requiredOption('--data <json>', 'the payload: @file.json, - for stdin, or the JSON itself')
    .option(
      '--idempotency-key <key>',
      'publishing again with the same key returns the first event (default: a random key)',
    )
    .option(
      '--ordering-key <key>',
      'events with the same key reach each endpoint one at a time, in publish order (docs/ordering.md)',
    )
    .action(
      async (
        type: string,
        options: { app: string; version: string; data: string; idempotencyKey?: string; orderingKey?: string },
        command: Command,
      ) => {
        const data = await readJsonData(options.data, ctx.io.stdin);
        // The compile-time union of registered events cannot describe data read at run time; the API checks it.
        const input = {
          appId: options.app,
          type,
          version: options.version,
          data,
          idempotencyKey: options.idempotencyKey,
          orderingKey: options.orderingKey,
        } as PublishInput;
        const result = await (await ctx.client()).events.publish.mutate(input);
        print(ctx, command, result, () => {
          const summary = formatRecord({
            id: result.id,
            duplicate: result.duplicate,
            deliveries:
              result.deliveries.map((d) => `${d.id} → ${d.endpointId}`).join(', ') || 'none (no endpoint subscribes)',
          });
          return summary + result.warnings.map((w) => `warning: ${w}\n`).join('');
        });
      },
    );
}
