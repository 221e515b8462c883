import { spawnHooklineProcess, type HooklineProcess } from './hookline-process';

/** The delivery worker as a separate process (`apps/delivery/src/main.ts`), configured by `env`. */
export function spawnWorker(env: Record<string, string>): HooklineProcess {
  return spawnHooklineProcess({ entry: 'apps/delivery/src/main.ts', env, readyLine: 'delivery worker started' });
}

export type WorkerProcess = HooklineProcess;
