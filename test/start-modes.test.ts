import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHooklineClient } from '@hookline/client';
import { type TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database';
import { orderCreatedV1 } from './support/fixtures';
import { startReceiver, type TestReceiver } from './support/receiver';

/**
 * `npm start` as a user runs it (apps/hookline/src/main.ts in a child process), in both modes: development
 * allows loopback and generates a key into the data directory, saying both in its log; production
 * refuses to start without HOOKLINE_ENCRYPTION_KEY.
 */
const root = path.resolve(import.meta.dirname, '..');
const adminKey = 'hk_start_modes_admin_key_0123456789';

type Started = { child: ChildProcess; lines: () => string[]; exited: Promise<number | null> };

function start(env: Record<string, string>): Started {
  // Only what this test sets: nothing of the developer's HOOKLINE_* or vitest's NODE_ENV=test leaks in.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKLINE_') && k !== 'NODE_ENV' && k !== 'DATABASE_URL'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/hookline/src/main.ts'], {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines: () => output.split('\n').filter(Boolean), exited };
}

const messages = (s: Started) =>
  s.lines().map((line) => {
    try {
      return (JSON.parse(line) as { message: string }).message;
    } catch {
      return line;
    }
  });

let dataDir: string;
let receiver: TestReceiver;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookline-start-'));
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('refuses to start in production without HOOKLINE_ENCRYPTION_KEY, saying how to make one', async () => {
    const started = start({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      HOOKLINE_DATA_DIR: dataDir,
    });
    expect(await started.exited).toBe(1);
    expect(messages(started).join('\n')).toMatch(
      /HOOKLINE_ENCRYPTION_KEY is not set and NODE_ENV is production.*openssl rand -base64 32/,
    );
    expect(existsSync(path.join(dataDir, 'encryption-key'))).toBe(false);
  });

  it('in development generates a key, allows loopback, and says both', async () => {
    const started = start({
      NODE_ENV: 'development',
      DATABASE_URL: await createTestDatabase(),
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_ADMIN_KEY: adminKey,
      PORT: '0',
    });
    try {
      await expect
        .poll(() => messages(started).find((m) => m.startsWith('Hookline is running')), {
          timeout: 30_000,
          interval: 50,
        })
        .toBeDefined();
      const log = messages(started).join('\n');
      expect(log).toMatch(
        /HOOKLINE_ENCRYPTION_KEY is not set: endpoint secrets are encrypted with a development key generated now into .*encryption-key/,
      );
      expect(log).toMatch(/development mode: webhooks may be sent to loopback addresses \(127\.0\.0\.0\/8, ::1\/128\)/);
      expect(existsSync(path.join(dataDir, 'encryption-key'))).toBe(true);

      const url = /API on (http:\/\/\S+)/.exec(log)![1]!;
      const client = createHooklineClient({ url, apiKey: adminKey });
      const app = await client.applications.create.mutate({ name: 'walkthrough' });
      await client.endpoints.create.mutate({ appId: app.id, url: receiver.url('/walkthrough') });
      await client.events.publish.mutate({
        appId: app.id,
        type: 'order.created',
        version: '1.0',
        data: orderCreatedV1,
      });
      await expect
        .poll(() => receiver.requests.filter((r) => r.path === '/walkthrough').length, { timeout: 15_000 })
        .toBe(1);

      // Loopback only: a private address is still refused in development.
      const error = await client.endpoints.create
        .mutate({ appId: app.id, url: 'http://10.1.2.3/' })
        .catch((e: unknown) => e);
      expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 400 });
    } finally {
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    }
  });
});
