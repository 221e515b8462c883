import { createHooklineClient } from '@hookline/client';
import type { Command } from 'commander';
import { removeConfigFile, writeConfigFile, configPath } from '../config-file';
import type { CliContext } from '../context';

export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description("check an API key against a Hookline and store both in the user's config directory (mode 0600)")
    .requiredOption('--url <url>', "the API's base URL, e.g. http://127.0.0.1:3000")
    .requiredOption('--api-key <key>', 'an admin key, or an application key')
    .action(async (options: { url: string; apiKey: string }) => {
      // Any authenticated query proves the pair works before it is stored; the catalog is visible to every key.
      await createHooklineClient({ url: options.url, apiKey: options.apiKey, attempts: 1 }).eventTypes.list.query();
      const file = await writeConfigFile(ctx.env.configDir, { url: options.url, apiKey: options.apiKey });
      ctx.io.stderr.write(
        `logged in to ${options.url}; stored in ${file} (HOOKLINE_URL and HOOKLINE_API_KEY still win)\n`,
      );
    });

  program
    .command('logout')
    .description('forget what `hookline login` stored')
    .action(async () => {
      await removeConfigFile(ctx.env.configDir);
      ctx.io.stderr.write(`removed ${configPath(ctx.env.configDir)}\n`);
    });
}
