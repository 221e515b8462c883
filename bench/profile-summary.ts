/**
 * Summarises a V8 CPU profile (`.cpuprofile`, e.g. from `BENCH_CPU_PROF_DIR=.data/profiles npm run bench`):
 * self time by package or source area, then by function.
 *
 *   npx tsx bench/profile-summary.ts .data/profiles/e2e-worker-….cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: an npm package, a Hookline workspace, Node itself, or V8's bookkeeping. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName || 'anonymous'})`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return name.startsWith('@hookline/') ? `${name} (workspace)` : name;
  }
  if (url.startsWith('node:')) return 'node (built-in)';
  const match = /\/(apps\/[^/]+|packages\/[^/]+)\//.exec(url);
  return match ? match[1]! : url;
}

function main(): void {
  const [file, topText] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const top = Number(topText ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const totalUs = profile.endTime - profile.startTime;
  const idleUs = [...selfUs]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((s, [, us]) => s + us, 0);
  const busyUs = totalUs - idleUs;

  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const file =
      url === ''
        ? ''
        : ` ${url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(apps|packages)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${file}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }

  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`;
  console.log(`${file}\nwall ${ms(totalUs)} ms, busy (not idle) ${ms(busyUs)} ms\n`);
  console.log('self time by area (share of busy time)');
  for (const [area, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms(us)} ms ${pct(us)}  ${area}`);
  console.log('\nself time by function');
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms(us)} ms ${pct(us)}  ${fn}`);
}

main();
