import { describe, expect, it } from 'vitest';
import { generateSecret } from './generate-secret';
import { generateSigningKeyPair } from './generate-signing-key-pair';
import { CACHE_MAX_ENTRIES, keyCacheSize, keyMaterial } from './key-material';

describe('keyMaterial', () => {
  it('decodes each prefix to its kind and returns the cached object on repeat', () => {
    const secret = generateSecret();
    const { secretKey, publicKey } = generateSigningKeyPair();
    expect(keyMaterial(secret)).toMatchObject({ kind: 'hmac', key: Buffer.from(secret.slice(6), 'base64') });
    expect(keyMaterial(secretKey).kind).toBe('ed25519-private');
    expect(keyMaterial(publicKey).kind).toBe('ed25519-public');
    expect(keyMaterial(secretKey)).toBe(keyMaterial(secretKey));
  });

  it('stays bounded when it sees many distinct keys, and still decodes evicted ones', () => {
    const first = generateSecret();
    const firstKey = keyMaterial(first);
    for (let i = 0; i < CACHE_MAX_ENTRIES + 50; i++) keyMaterial(generateSecret());
    expect(keyCacheSize()).toBeLessThanOrEqual(CACHE_MAX_ENTRIES);
    expect(keyMaterial(first)).toEqual(firstKey);
  });

  it('accepts unpadded base64 and rejects characters outside the alphabet without echoing the key', () => {
    const unpadded = generateSecret(32).replace(/=+$/, '');
    expect(keyMaterial(unpadded).kind).toBe('hmac');
    for (const bad of ['whsec_', 'whsec_abc$def', 'whsec_a', 'whsec_ab cd']) {
      expect(() => keyMaterial(bad)).toThrow(/not valid base64/);
    }
    expect(() => keyMaterial('sk_live_supersecretvalue')).toThrow(/^Unknown key prefix "sk_"/);
    expect(() => keyMaterial('sk_live_supersecretvalue')).not.toThrow(/supersecret/);
  });
});
