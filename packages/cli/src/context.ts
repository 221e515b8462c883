import { createHooklineClient, type HooklineClient } from '@hookline/client';
import type { Command } from 'commander';
import type { CliEnv } from './env';
import { formatJson, type Io } from './output';
import { resolveApiSettings, type ApiSettings } from './settings';

/** What every command receives: where to write, the environment, the API, and the Ctrl-C signal. */
export type CliContext = {
  io: Io;
  env: CliEnv;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM: `tail` and `listen` stop cleanly on it. */
  stopSignal: AbortSignal;
  settings: () => Promise<ApiSettings>;
  /** The typed tRPC client, built on first use from HOOKLINE_URL/HOOKLINE_API_KEY or `hookline login`. */
  client: () => Promise<HooklineClient>;
};

export function createContext({ io, env, stopSignal }: Pick<CliContext, 'io' | 'env' | 'stopSignal'>): CliContext {
  let settings: Promise<ApiSettings> | undefined;
  let client: Promise<HooklineClient> | undefined;
  const resolveSettings = () => (settings ??= resolveApiSettings(env));
  return {
    io,
    env,
    stopSignal,
    settings: resolveSettings,
    client: () => (client ??= resolveSettings().then((s) => createHooklineClient({ url: s.url, apiKey: s.apiKey }))),
  };
}

/** `--json` is a program-wide option, accepted before or after the command's name. */
export const wantsJson = (command: Command): boolean => Boolean(command.optsWithGlobals<{ json?: boolean }>().json);

/** Prints `value` as JSON with --json, else the human rendering. */
export function print(ctx: CliContext, command: Command, value: unknown, human: () => string): void {
  ctx.io.stdout.write(wantsJson(command) ? formatJson(value) : human());
}

/** A hint for humans that more pages exist; silent with --json, where `nextCursor` is in the document. */
export function printNextPageHint(ctx: CliContext, command: Command, nextCursor: string | null): void {
  if (nextCursor && !wantsJson(command)) ctx.io.stderr.write(`more: pass --cursor ${nextCursor}\n`);
}
