import { describe, expect, it } from 'vitest';
import { generateEncryptionKeyText, parseEncryptionKey } from './encryption-key';
import { unsealSecret, sealSecret, SecretDecryptionError } from './seal';

const key = parseEncryptionKey(generateEncryptionKeyText());

describe('sealSecret / unsealSecret', () => {
  it('round-trips, with a fresh nonce every time and nothing of the plaintext visible', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const a = sealSecret(key, secret, 'ep_1');
    const b = sealSecret(key, secret, 'ep_1');
    expect(a).toMatch(new RegExp(`^v1:${key.id}:[A-Za-z0-9_-]+$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain('whsec_');
    expect(a).not.toContain(secret.slice(6, 20));
    expect(unsealSecret(key, a, 'ep_1')).toBe(secret);
    expect(unsealSecret(key, b, 'ep_1')).toBe(secret);
  });

  it('refuses a ciphertext moved to another endpoint, altered, or truncated', () => {
    const sealed = sealSecret(key, 'whsec_abc', 'ep_1');
    expect(() => unsealSecret(key, sealed, 'ep_2')).toThrow(
      /fails authentication: it was altered or belongs to another endpoint/,
    );
    const payload = Buffer.from(sealed.split(':')[2]!, 'base64url');
    payload[14]! ^= 1;
    expect(() => unsealSecret(key, `v1:${key.id}:${payload.toString('base64url')}`, 'ep_1')).toThrow(
      SecretDecryptionError,
    );
    expect(() => unsealSecret(key, `v1:${key.id}:AAAA`, 'ep_1')).toThrow(/truncated/);
    expect(() => unsealSecret(key, 'whsec_plaintext', 'ep_1')).toThrow(/not in the v1 format/);
  });

  it('names both keys when the configured key is not the one that sealed', () => {
    const other = parseEncryptionKey(generateEncryptionKeyText());
    const sealed = sealSecret(other, 'whsec_abc', 'ep_1');
    expect(() => unsealSecret(key, sealed, 'ep_1')).toThrow(
      new RegExp(`encrypted with key ${other.id}, but HOOKLINE_ENCRYPTION_KEY is key ${key.id}`),
    );
  });
});
