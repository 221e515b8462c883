import { readConfigFile } from './config-file';
import type { CliEnv } from './env';
import { UsageError } from './errors';

export type ApiSettings = { url: string; apiKey: string };

/** HOOKLINE_URL and HOOKLINE_API_KEY win over what `hookline login` stored, one by one. */
export async function resolveApiSettings(env: CliEnv): Promise<ApiSettings> {
  const stored = env.url && env.apiKey ? {} : await readConfigFile(env.configDir);
  const url = env.url ?? stored.url;
  const apiKey = env.apiKey ?? stored.apiKey;
  if (!url || !apiKey) {
    const missing = [!url && 'HOOKLINE_URL', !apiKey && 'HOOKLINE_API_KEY'].filter(Boolean).join(' and ');
    throw new UsageError(`${missing} not set: export it, or run \`hookline login --url <url> --api-key <key>\` once`);
  }
  return { url, apiKey };
}
