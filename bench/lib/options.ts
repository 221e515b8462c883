/** What the command line and environment ask of a run. */
export interface RunOptions {
  /** Multiplies every count; 0.1 for a quick smoke run. */
  scale: number;
  /** Scenario names to run, or null for all. */
  only: string[] | null;
}

export const usage = `usage: npm run bench -- [--scale=<factor>] [--only=<scenario>[,<scenario>…]]
  --scale   multiply every count (env BENCH_SCALE; default 1)
  --only    run just these scenarios (env BENCH_ONLY)
  DATABASE_URL  use this PostgreSQL server instead of an embedded one`;

export function parseRunOptions(argv: readonly string[], env: NodeJS.ProcessEnv): RunOptions {
  let scaleText = env.BENCH_SCALE;
  let onlyText = env.BENCH_ONLY;
  for (const arg of argv) {
    const [key, value] = splitArg(arg);
    if (key === '--scale' && value !== undefined) scaleText = value;
    else if (key === '--only' && value !== undefined) onlyText = value;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  const scale = scaleText === undefined || scaleText === '' ? 1 : Number(scaleText);
  if (!Number.isFinite(scale) || scale <= 0) throw new UsageError(`scale must be a positive number, not ${scaleText}`);
  const only = onlyText
    ? onlyText
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    : null;
  return { scale, only: only && only.length > 0 ? only : null };
}

function splitArg(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

export class UsageError extends Error {}

/** A positive integer setting from the environment, for scenario knobs such as batch sizes. */
export function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`${name} must be a non-negative integer, not ${text}`);
  return value;
}
