import { Option, type Command } from 'commander';
import { print, printNextPageHint, wantsJson, type CliContext } from '../context';
import { attemptColumns, attemptOutcome, deliveryColumns } from '../delivery-format';
import { parsePositiveInt } from '../option-parsers';
import { formatJsonLine, formatRecord, formatTable } from '../output';
import { tailDeliveries, type TailEvent } from '../tail-deliveries';

const statuses = ['pending', 'delivered', 'failed'] as const;

export function registerDeliveries(program: Command, ctx: CliContext): void {
  const deliveries = program
    .command('deliveries')
    .description('deliveries of events to endpoints: list, get, retry, tail');

  deliveries
    .command('list')
    .description('list deliveries, newest first')
    .addOption(new Option('--status <status>', 'only deliveries in this state').choices(statuses))
    .option('--endpoint <endpointId>', 'only to this endpoint (ep_…)')
    .option('--event <eventId>', 'only of this event (evt_…)')
    .option('--limit <n>', 'at most this many (1-250)', parsePositiveInt(250), 50)
    .option('--cursor <cursor>', 'the next page: the cursor a previous list printed')
    .action(
      async (
        options: {
          status?: (typeof statuses)[number];
          endpoint?: string;
          event?: string;
          limit: number;
          cursor?: string;
        },
        command: Command,
      ) => {
        const { endpoint, event, ...rest } = options;
        const page = await (
          await ctx.client()
        ).deliveries.list.query({ endpointId: endpoint, eventId: event, ...rest });
        print(ctx, command, page, () => formatTable(page.items, deliveryColumns));
        printNextPageHint(ctx, command, page.nextCursor);
      },
    );

  deliveries
    .command('get')
    .description('show one delivery and its attempts')
    .argument('<deliveryId>', 'dlv_…')
    .action(async (deliveryId: string, _options, command: Command) => {
      const delivery = await (await ctx.client()).deliveries.get.query({ deliveryId });
      print(ctx, command, delivery, () => {
        const { attempts, ...rest } = delivery;
        return (
          formatRecord(rest) +
          '\nattempts:\n' +
          (attempts.length ? formatTable(attempts, attemptColumns) : 'none yet\n')
        );
      });
    });

  deliveries
    .command('retry')
    .description('send a delivery again now, as a manual attempt')
    .argument('<deliveryId>', 'dlv_…')
    .action(async (deliveryId: string, _options, command: Command) => {
      const delivery = await (await ctx.client()).deliveries.retry.mutate({ deliveryId });
      print(ctx, command, delivery, () => `${delivery.id} queued for attempt ${delivery.attemptCount + 1}\n`);
    });

  deliveries
    .command('tail')
    .description('follow new deliveries and their attempts live, until Ctrl-C (--json: one JSON document a line)')
    .option('--app <appId>', 'only this application (app_…)')
    .option('--interval <ms>', 'how often to ask the API, in milliseconds', parsePositiveInt(60_000), 1_000)
    .action(async (options: { app?: string; interval: number }, command: Command) => {
      const json = wantsJson(command);
      await tailDeliveries({
        client: await ctx.client(),
        appId: options.app,
        intervalMs: options.interval,
        signal: ctx.stopSignal,
        onReady: () =>
          ctx.io.stderr.write(`following new deliveries${options.app ? ` of ${options.app}` : ''}; Ctrl-C to stop\n`),
        onEvent: (event) => ctx.io.stdout.write(json ? formatJsonLine(toJson(event)) : describe(event)),
      });
    });
}

function toJson(event: TailEvent) {
  if (event.kind === 'delivery') return { kind: 'delivery', ...event.delivery };
  const { attempts: _attempts, ...delivery } = event.delivery;
  return { kind: 'attempt', deliveryId: delivery.id, deliveryStatus: delivery.status, ...event.attempt };
}

function describe(event: TailEvent): string {
  const time = new Date().toISOString().slice(11, 19);
  if (event.kind === 'delivery') {
    const d = event.delivery;
    return `${time}  ${d.id}  new       event ${d.eventId} → ${d.endpointId}\n`;
  }
  const { delivery: d, attempt: a } = event;
  const next = a.nextAttemptAt ? `, next at ${a.nextAttemptAt}` : '';
  return `${time}  ${d.id}  attempt ${a.number}  ${attemptOutcome(a)} in ${a.durationMs} ms (${a.trigger}) → ${d.status}${next}\n`;
}
