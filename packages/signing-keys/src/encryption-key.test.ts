import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EncryptionKeySetting, generateEncryptionKeyText, parseEncryptionKey } from './encryption-key';

describe('parseEncryptionKey', () => {
  it('reads 32 bytes as base64, base64url or hex, and gives the same id for the same bytes', () => {
    const bytes = randomBytes(32);
    const ids = [
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      ` ${bytes.toString('base64')}\n`,
    ].map((text) => parseEncryptionKey(text).id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}$/);
    expect(parseEncryptionKey(generateEncryptionKeyText()).id).not.toBe(ids[0]);
  });

  it('refuses other lengths and shapes without echoing the value', () => {
    for (const text of [
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('hex'),
      'correct horse battery staple',
      '',
    ]) {
      let message = '';
      try {
        parseEncryptionKey(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/HOOKLINE_ENCRYPTION_KEY must be 32 random bytes, as base64 .* or hex/);
      if (text) expect(message).not.toContain(text);
    }
  });

  it('never prints the key bytes', () => {
    const text = generateEncryptionKeyText();
    const key = parseEncryptionKey(text);
    expect(JSON.stringify(key)).not.toContain(text);
    expect(String(key.key)).not.toContain(text);
  });

  it('is checked by the env setting, which names the problem', () => {
    expect(EncryptionKeySetting.safeParse(undefined).success).toBe(true);
    expect(EncryptionKeySetting.safeParse(generateEncryptionKeyText()).success).toBe(true);
    const bad = EncryptionKeySetting.safeParse('short');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/32 random bytes/);
  });
});
