// `npm run start-rss` (after `npm run build`, with DATABASE_URL set): each entry point started from its
// build (`node apps/<app>/dist/main.js`) and from source (`node --import tsx apps/<app>/src/main.ts`),
// left idle for a moment once ready, and its resident memory read from /proc. Prints one table.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const idleMs = 3_000;
const entryPoints = [
  { app: 'api', ready: 'API listening' },
  { app: 'delivery', ready: 'delivery worker started' },
  { app: 'hookline', ready: 'Hookline is running' },
];

if (!process.env.DATABASE_URL) {
  console.error('start-rss: set DATABASE_URL (a database the entry points may migrate)');
  process.exit(1);
}

/** kB of a /proc/<pid>/status field, in MB. */
function memoryMb(pid, field) {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

async function measure(args, ready) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, PORT: '0', HOOKLINE_ADMIN_KEY: 'hk_start_rss_admin_key_0123456789' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const startedAt = performance.now();
  let output = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes(ready)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before "${ready}":\n${output}`)));
  });
  const readyMs = Math.round(performance.now() - startedAt);
  await sleep(idleMs);
  const result = { readyMs, rssMb: memoryMb(child.pid, 'VmRSS'), peakMb: memoryMb(child.pid, 'VmHWM') };
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return result;
}

const rows = [];
for (const { app, ready } of entryPoints) {
  const built = await measure([`apps/${app}/dist/main.js`], ready);
  const source = await measure(['--import', 'tsx', `apps/${app}/src/main.ts`], ready);
  rows.push({ app, built, source });
}
console.log(`idle ${idleMs / 1000} s after ready; RSS and peak RSS (VmHWM) in MB, time to ready in ms`);
console.log('app        build: rss  peak  ready   source (tsx): rss  peak  ready');
for (const { app, built, source } of rows) {
  const cells = (m) =>
    `${String(m.rssMb).padStart(4)}  ${String(m.peakMb).padStart(4)}  ${String(m.readyMs).padStart(5)}`;
  console.log(`${app.padEnd(10)}      ${cells(built)}                ${cells(source)}`);
}
