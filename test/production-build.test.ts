import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createHooklineClient } from '@hookline/client';
import { Webhook } from 'standardwebhooks';
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';
import { orderCreatedV1 } from './support/fixtures';
import { testAdminKey, testAllowedCidrs, testEncryptionKeyText } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

/**
 * A deployment as docs/operations.md describes it: a clone of this commit (HEAD: commit first),
 * `npm ci`, `npm run build`, `npm prune --omit=dev`, then the API and the worker from their builds
 * as two processes on a fresh database. A published event must arrive, signed, at a receiver.
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
let clone: string | undefined;
let receiver: TestReceiver | undefined;
const processes: ChildProcess[] = [];

afterAll(async () => {
  for (const child of processes) child.kill('SIGKILL');
  await receiver?.close();
  if (clone) await rm(clone, { recursive: true, force: true });
});

/** `node apps/<app>/dist/main.js` in the clone, with only the environment given (no tsx, no NODE_OPTIONS). */
function startBuilt(app: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [`apps/${app}/dist/main.js`], {
    cwd: clone,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () =>
    output
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as { level: string; message: string };
        } catch {
          return { level: 'unparsed', message: line };
        }
      });
  const waitFor = async (pattern: RegExp) => {
    await expect
      .poll(() => lines().find((l) => pattern.test(l.message)), { timeout: 30_000, interval: 100 })
      .toBeDefined();
    return lines().find((l) => pattern.test(l.message))!.message;
  };
  const started = { child, exited, lines, waitFor, output: () => output };
  processes.push(child);
  return started;
}

it(
  'runs the API and the worker from the pruned build and delivers a signed webhook',
  { timeout: 600_000 },
  async () => {
    const { stdout: head } = await run('git', ['rev-parse', 'HEAD'], { cwd: root });
    clone = await mkdtemp(path.join(os.tmpdir(), 'hookline-build-'));
    await run('git', ['clone', '--quiet', '--shared', '--no-checkout', root, clone]);
    await run('git', ['checkout', '--quiet', '--detach', head.trim()], { cwd: clone });
    const npm = (...args: string[]) =>
      run('npm', [...args, '--no-audit', '--no-fund'], { cwd: clone, maxBuffer: 64 * 1024 * 1024 });
    await npm('ci', '--prefer-offline');
    await npm('run', 'build');
    await npm('prune', '--omit=dev');
    // Nothing that compiles or tests is left to lean on. (typescript stays: npm installs it as a peer
    // dependency of @trpc/server, which only needs it for its types; nothing loads it at run time.)
    for (const devTool of ['tsx', 'vitest', 'esbuild', 'turbo']) {
      expect(existsSync(path.join(clone, 'node_modules', devTool)), devTool).toBe(false);
    }
    // Without tsx the command line runs from its bundle.
    const help = spawnSync(process.execPath, [path.join(clone, 'packages/cli/bin/hookline.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: hookline');

    receiver = await startReceiver();
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: await createTestDatabase(),
      HOOKLINE_ENCRYPTION_KEY: testEncryptionKeyText,
      HOOKLINE_ALLOWED_CIDRS: testAllowedCidrs.join(','),
    };
    const api = startBuilt('api', { ...env, PORT: '0', HOOKLINE_ADMIN_KEY: testAdminKey });
    // Port 0: the worker's status server on a free port, so parallel runs never collide on 3001.
    const worker = startBuilt('delivery', { ...env, HOOKLINE_WORKER_PORT: '0' });
    const url = (await api.waitFor(/^API listening on /)).replace('API listening on ', '');
    await worker.waitFor(/^delivery worker started/);
    // The build serves what operators use: readiness, and the console built by `npm run build`.
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    const consolePage = await fetch(`${url}/console/`);
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<div id="root">');

    const client = createHooklineClient({ url, apiKey: testAdminKey });
    const app = await client.applications.create.mutate({ name: 'built' });
    const endpoint = await client.endpoints.create.mutate({ appId: app.id, url: receiver.url('/built') });
    const published = await client.events.publish.mutate({
      appId: app.id,
      type: 'order.created',
      version: '1.0',
      data: orderCreatedV1,
    });
    await expect.poll(() => receiver!.requests.length, { timeout: 20_000 }).toBe(1);
    const [request] = receiver.requests;
    const verified = new Webhook(endpoint.secret!).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).toMatchObject({ id: published.id, event: 'order.created', data: orderCreatedV1 });

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    for (const started of [api, worker]) {
      expect(started.lines().filter((l) => l.level !== 'info' && l.level !== 'debug')).toEqual([]);
    }
    expect(api.output() + worker.output()).not.toContain(testAdminKey);
  },
);
