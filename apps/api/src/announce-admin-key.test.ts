import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@hookline/log';
import { afterEach, expect, it } from 'vitest';
import { announceAdminKey } from './announce-admin-key';

const key = 'hk_generated_admin_key_0123456789';
let dataDir: string | undefined;
afterEach(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('writes the key to <dataDir>/admin-key, readable by its owner only, and logs where, not the key', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookline-admin-key-'));
  const lines: string[] = [];
  await announceAdminKey(key, {
    dataDir: path.join(dataDir, 'nested'),
    log: createLogger('api', { write: (line) => lines.push(line) }),
    interactive: false,
  });
  const file = path.join(dataDir, 'nested', 'admin-key');
  expect(await readFile(file, 'utf8')).toBe(`${key}\n`);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(lines.join('')).toContain(file);
  expect(lines.join('')).not.toContain(key);
});
