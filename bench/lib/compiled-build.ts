/**
 * The compiled build the benchmark runs (`apps/<app>/dist/main.js`, from `npm run build`), so its
 * memory and CPU figures are those of a production process, not of tsx compiling TypeScript at run
 * time. When a bundle is missing or older than any source it bundles, the build runs first.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What the bundles are built from: the apps' and the workspace packages' sources. */
const sourceRoots = ['apps', 'packages'];

/** The newest modification time (ms) of any file under `dir`'s `src` folders, skipping node_modules and dist. */
function newestSourceMs(dir: string, insideSrc = false): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestSourceMs(path, insideSrc || entry.name === 'src'));
    } else if (insideSrc) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

function modifiedMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

let checked: string | null = null;

/**
 * Runs `npm run build` when one of `entries` (paths from the repository root) is missing or older
 * than the newest source, saying so through `log` (stderr). Checks once per harness process.
 */
export function ensureCompiledBuild(repoRoot: string, entries: string[], log: (message: string) => void): void {
  if (checked !== null) return;
  const bundles = entries.map((entry) => modifiedMs(resolve(repoRoot, entry)));
  const sourcesMs = Math.max(...sourceRoots.map((root) => newestSourceMs(resolve(repoRoot, root))));
  const reason = bundles.some((ms) => ms === null)
    ? 'missing'
    : bundles.some((ms) => ms! < sourcesMs)
      ? 'older than the sources'
      : null;
  checked = reason ?? 'current';
  if (reason === null) return;
  log(`the compiled build (${entries.join(', ')}) is ${reason}: running npm run build first`);
  const started = performance.now();
  // Its output goes to stderr: stdout carries the benchmark's table and JSON lines.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: ['ignore', 2, 2] });
  log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
