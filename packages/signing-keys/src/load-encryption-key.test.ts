import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateEncryptionKeyText, parseEncryptionKey } from './encryption-key';
import { developmentKeyFile, loadEncryptionKey } from './load-encryption-key';

let dataDir: string;
let logged: string[];
const log = (line: string) => void logged.push(line);

beforeEach(async () => {
  dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'hookline-key-')), 'data');
  logged = [];
});
afterEach(() => rm(path.dirname(dataDir), { recursive: true, force: true }));

describe('loadEncryptionKey', () => {
  it('uses the configured key, silently, in any mode', async () => {
    const text = generateEncryptionKeyText();
    for (const production of [true, false]) {
      const key = await loadEncryptionKey({ configured: text, production, dataDir, log });
      expect(key.id).toBe(parseEncryptionKey(text).id);
    }
    expect(logged).toEqual([]);
  });

  it('refuses to start in production without one, saying how to make one', async () => {
    await expect(loadEncryptionKey({ configured: undefined, production: true, dataDir, log })).rejects.toThrow(
      /HOOKLINE_ENCRYPTION_KEY is not set and NODE_ENV is production.*openssl rand -base64 32/,
    );
  });

  it('in development generates a private key file once, warns, and reuses it', async () => {
    const first = await loadEncryptionKey({ configured: undefined, production: false, dataDir, log });
    const file = path.join(dataDir, developmentKeyFile);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(logged[0]).toMatch(
      /HOOKLINE_ENCRYPTION_KEY is not set: .* development key generated now into .*encryption-key/,
    );
    const second = await loadEncryptionKey({ configured: undefined, production: false, dataDir, log });
    expect(second.id).toBe(first.id);
    expect(logged[1]).toMatch(/read from/);
    expect(parseEncryptionKey(await readFile(file, 'utf8')).id).toBe(first.id);
  });

  it('gives processes starting together the same key', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadEncryptionKey({ configured: undefined, production: false, dataDir, log })),
    );
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
    expect(logged.filter((line) => line.includes('generated now'))).toHaveLength(1);
  });

  it('says what to do when the key file is damaged', async () => {
    await loadEncryptionKey({ configured: undefined, production: false, dataDir, log });
    await writeFile(path.join(dataDir, developmentKeyFile), 'garbage');
    await expect(loadEncryptionKey({ configured: undefined, production: false, dataDir, log })).rejects.toThrow(
      /Delete the file to generate a new one/,
    );
  });
});
