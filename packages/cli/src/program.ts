import { Command, CommanderError } from 'commander';
import { registerApps } from './commands/apps';
import { registerDeadLetters } from './commands/dead-letters';
import { registerDeliveries } from './commands/deliveries';
import { registerEndpoints } from './commands/endpoints';
import { registerEventTypes } from './commands/event-types';
import { registerEvents } from './commands/events';
import { registerListen } from './commands/listen';
import { registerLogin } from './commands/login';
import { registerPublish } from './commands/publish';
import { createContext, type CliContext } from './context';
import { describeFailure, exitCodes } from './errors';

/** The whole command tree. Output settings and exitOverride are set first: subcommands inherit them. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('hookline')
    .description(
      'Manage a Hookline, publish events, follow deliveries, replay dead letters and verify webhooks locally.',
    )
    .option('--json', 'print machine-readable JSON (one document, or one per line for tail and listen)')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => void ctx.io.stdout.write(text),
      writeErr: (text) => void ctx.io.stderr.write(text),
    })
    .addHelpText(
      'after',
      '\nSettings: HOOKLINE_URL and HOOKLINE_API_KEY, or `hookline login`.\nExit codes: 0 success, 1 the API refused (the error code is printed), 2 usage.',
    );
  registerLogin(program, ctx);
  registerApps(program, ctx);
  registerEndpoints(program, ctx);
  registerEventTypes(program, ctx);
  registerPublish(program, ctx);
  registerEvents(program, ctx);
  registerDeliveries(program, ctx);
  registerDeadLetters(program, ctx);
  registerListen(program, ctx);
  return program;
}

/** Runs one command line (without `node` and the script) and answers the exit code. */
export async function runCli(args: string[], context: Parameters<typeof createContext>[0]): Promise<number> {
  const ctx = createContext(context);
  try {
    await buildProgram(ctx).parseAsync(args, { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message (or the help) already.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? exitCodes.ok
        : exitCodes.usage;
    }
    const failure = describeFailure(error, context.env.url);
    ctx.io.stderr.write(failure.message + '\n');
    return failure.exitCode;
  }
}
