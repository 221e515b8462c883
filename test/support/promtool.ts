import { spawnSync } from 'node:child_process';

/**
 * Runs `promtool` (Debian package `prometheus`) with `args`, `input` on its stdin. Null when promtool
 * is not installed and this is not CI, so a developer without it skips; under CI=true a missing
 * promtool fails, since .ci/run installs it.
 */
export function promtool(args: string[], input?: string): { status: number; output: string } | null {
  const result = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    if (process.env.CI) throw new Error('promtool is missing: install the Debian package prometheus');
    return null;
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Whether promtool can run here (see `promtool`); for `it.skipIf`. */
export const promtoolMissing = promtool(['--version']) === null;
