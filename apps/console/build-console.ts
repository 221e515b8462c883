import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Where the built console lives; the API serves this folder at /console. */
export const consoleDistDir = path.join(import.meta.dirname, 'dist');

const sources = [path.join(import.meta.dirname, 'src'), path.join(import.meta.dirname, 'index.html')];

async function newestSourceMtime(entry: string): Promise<number> {
  const info = await stat(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  const children = await readdir(entry);
  const times = await Promise.all(children.map((child) => newestSourceMtime(path.join(entry, child))));
  return Math.max(info.mtimeMs, ...times);
}

/** The time dist/index.html was written, or null when the console was never built. */
async function builtAt(): Promise<number | null> {
  return stat(path.join(consoleDistDir, 'index.html')).then(
    (info) => info.mtimeMs,
    () => null,
  );
}

/**
 * Builds the console with Vite: always when `force`, otherwise only when it is missing or (with
 * `whenStale`) older than a source file. Returns whether it built.
 */
export async function buildConsole({ force = false, whenStale = false } = {}): Promise<boolean> {
  if (!force) {
    const built = await builtAt();
    if (built !== null && !whenStale) return false;
    if (built !== null && Math.max(...(await Promise.all(sources.map(newestSourceMtime)))) <= built) return false;
  }
  // Loaded only when building: a start that finds the console built does not load Vite at all.
  const { build } = await import('vite');
  await build({ configFile: path.join(import.meta.dirname, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
