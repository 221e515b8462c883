import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testAllowedCidrs, testEncryptionKeyText } from './hookline';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * One of Hookline's processes (`apps/<app>/src/main.ts`) started the way it is deployed, so a test can
 * run several against one database and SIGKILL or SIGTERM any of them. Node runs tsx as a loader in
 * the same process: a signal goes to Hookline itself, not to a wrapper that would outlive it.
 * `readyLine` is the text of the log line that says it is serving.
 */
export function spawnHooklineProcess({
  entry,
  env,
  readyLine,
}: {
  entry: 'apps/api/src/main.ts' | 'apps/delivery/src/main.ts';
  env: Record<string, string>;
  readyLine: string;
}) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
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
  const readyAt = () => lines.find((l) => l.includes(readyLine));

  return {
    pid: child.pid!,
    lines,
    exited,
    /** Resolves with the ready line once it is logged; rejects if the process exits or takes longer than `timeoutMs`. */
    ready: (timeoutMs = 20_000) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${entry} not ready after ${timeoutMs} ms:\n${lines.join('\n')}`)),
          timeoutMs,
        );
        const check = () => {
          const line = readyAt();
          if (line !== undefined) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve(line);
          }
        };
        child.stdout.on('data', check);
        check();
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`${entry} exited (${code ?? signal}) before it was ready:\n${lines.join('\n')}`));
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

export type HooklineProcess = ReturnType<typeof spawnHooklineProcess>;
