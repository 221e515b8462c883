import { spawnHooklineProcess, type HooklineProcess } from './hookline-process';

/** The API as a separate process (`apps/api/src/main.ts`) on a port of its own; `url()` once it is ready. */
export function spawnApi(env: Record<string, string>): HooklineProcess & { url: () => Promise<string> } {
  const api = spawnHooklineProcess({
    entry: 'apps/api/src/main.ts',
    env: { HOST: '127.0.0.1', PORT: '0', ...env },
    readyLine: 'API listening on',
  });
  return {
    ...api,
    url: async () => /API listening on (http:\/\/\S+?)"/.exec(await api.ready())![1]!,
  };
}
