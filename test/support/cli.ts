import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The `hookline` bin, run exactly as `npx hookline` runs it. */
export const cliBin = fileURLToPath(new URL('../../packages/cli/bin/hookline.js', import.meta.url));

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** The environment a CLI subprocess sees: none of the caller's HOOKLINE_* settings leak in. */
export function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKLINE_')));
  return { ...base, ...env };
}

/** Runs `hookline …args` to completion, with `input` on stdin. */
export function runCli(args: string[], { env, input }: { env: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  const child = spawn(process.execPath, [cliBin, ...args], { env });
  const output = collect(child);
  child.stdin.end(input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, ...output.text() })));
}

/**
 * Starts a long-running command (`tail`, `listen`); `waitFor` polls its output, `stop` sends Ctrl-C
 * (SIGINT) and answers how it exited.
 */
export function startCli(args: string[], { env }: { env: NodeJS.ProcessEnv }) {
  const child = spawn(process.execPath, [cliBin, ...args], { env });
  const output = collect(child);
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, ...output.text() })));
  return {
    output: output.text,
    waitFor: async (stream: 'stdout' | 'stderr', pattern: RegExp, timeout = 15_000) => {
      await expect.poll(() => output.text()[stream], { timeout, interval: 25 }).toMatch(pattern);
      return pattern.exec(output.text()[stream])!;
    },
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

function collect(child: ChildProcessWithoutNullStreams) {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { text: () => ({ stdout, stderr }) };
}
