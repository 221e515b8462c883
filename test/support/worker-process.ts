import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testAllowedCidrs, testEncryptionKeyText } from './hookline';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The delivery worker as a separate process, the way it is deployed (`tsx apps/delivery/src/main.ts`),
 * so a test can SIGKILL or SIGTERM it. Node runs tsx as a loader in the same process: a signal goes to
 * the worker itself, not to a wrapper that would outlive it.
 */
export function spawnWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/delivery/src/main.ts'], {
    cwd: repositoryRoot,
    // The harness's key and allow-list, so the process opens the same secrets and reaches loopback receivers.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOOKLINE_ENCRYPTION_KEY: testEncryptionKeyText,
      HOOKLINE_ALLOWED_CIDRS: testAllowedCidrs.join(','),
      // No status port unless a test asks for one: several workers run at once, and 3001 is anyone's.
      HOOKLINE_WORKER_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  return {
    pid: child.pid!,
    lines,
    exited,
    /** Resolves once the worker has started taking jobs; rejects if it exits or takes longer than `timeoutMs`. */
    ready: (timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker not ready after ${timeoutMs} ms:\n${lines.join('\n')}`)),
          timeoutMs,
        );
        const check = () => {
          if (lines.some((l) => l.includes('delivery worker started'))) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${lines.join('\n')}`));
        });
      }),
    kill: (signal: NodeJS.Signals) => child.kill(signal),
    /** Ends the process if a failed test left it running. */
    dispose: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export type WorkerProcess = ReturnType<typeof spawnWorker>;
