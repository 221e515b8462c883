import type { Command } from 'commander';
import { wantsJson, type CliContext } from '../context';
import { UsageError } from '../errors';
import { checkListenKeys, startListenServer, type ListenKeys, type ListenResult } from '../listen-server';
import { parsePort } from '../option-parsers';
import { formatJson, formatJsonLine } from '../output';

export function registerListen(program: Command, ctx: CliContext): void {
  program
    .command('listen')
    .description(
      'a local receiver that verifies each webhook and prints it, until Ctrl-C (answers 204, or 401 when not authentic)',
    )
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 4000)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--secret <whsec>', "the endpoint's signing secret (whsec_…); repeat while rotating", collect, [])
    .option('--public-key <whpk>', "an ed25519 endpoint's public key (whpk_…); repeat while rotating", collect, [])
    .option('--endpoint <endpointId>', "fetch the endpoint's current keys from the API instead (ep_…)")
    .action(
      async (
        options: { port: number; host: string; secret: string[]; publicKey: string[]; endpoint?: string },
        command: Command,
      ) => {
        const keys = await listenKeys(ctx, options);
        const json = wantsJson(command);
        const server = await startListenServer({
          host: options.host,
          port: options.port,
          keys,
          onRequest: (result) => ctx.io.stdout.write(json ? formatJsonLine(result) : describe(result)),
        });
        const count = keys.secrets.length + keys.publicKeys.length;
        ctx.io.stderr.write(
          `listening on ${server.url}, verifying with ${count} key${count === 1 ? '' : 's'}; Ctrl-C to stop\n`,
        );
        await new Promise<void>((resolve) => {
          if (ctx.stopSignal.aborted) resolve();
          ctx.stopSignal.addEventListener('abort', () => resolve(), { once: true });
        });
        await server.close();
      },
    );
}

const collect = (value: string, previous: string[]) => [...previous, value];

async function listenKeys(
  ctx: CliContext,
  options: { secret: string[]; publicKey: string[]; endpoint?: string },
): Promise<ListenKeys> {
  const given = options.secret.length + options.publicKey.length > 0;
  if (given === Boolean(options.endpoint)) {
    throw new UsageError('listen needs either --secret whsec_… (or --public-key whpk_…) or --endpoint ep_…');
  }
  for (const secret of options.secret) {
    if (!secret.startsWith('whsec_')) throw new UsageError('--secret must start with whsec_');
  }
  for (const key of options.publicKey) {
    if (!key.startsWith('whpk_')) throw new UsageError('--public-key must start with whpk_');
  }
  if (!options.endpoint) {
    const keys = { secrets: options.secret, publicKeys: options.publicKey };
    try {
      checkListenKeys(keys);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return keys;
  }
  // Every key that still signs, so webhooks signed just before a rotation verify too.
  const { keys } = await (await ctx.client()).endpoints.getSecret.query({ endpointId: options.endpoint });
  return {
    secrets: keys.flatMap((k) => (k.secret ? [k.secret] : [])),
    publicKeys: keys.flatMap((k) => (k.publicKey ? [k.publicKey] : [])),
  };
}

function describe(result: ListenResult): string {
  const time = new Date().toISOString().slice(11, 19);
  if (!result.verified) {
    return `${time}  rejected  ${result.webhookId ?? '(no webhook-id)'}  ${result.path}  ${result.reason}: ${result.message}\n`;
  }
  const event = result.event as { event?: string; version?: string; attempt?: number };
  return (
    `${time}  verified  ${result.webhookId}  ${event.event ?? '?'} ${event.version ?? ''}  attempt ${event.attempt ?? '?'}  ${result.path}\n` +
    formatJson(result.event)
  );
}
