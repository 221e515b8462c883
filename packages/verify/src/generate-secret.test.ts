import { describe, expect, it } from 'vitest';
import { generateSecret } from './generate-secret';

describe('generateSecret', () => {
  it('returns whsec_ + base64 of 32 random bytes by default', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('accepts 24 to 64 bytes and rejects anything else', () => {
    expect(Buffer.from(generateSecret(24).slice(6), 'base64')).toHaveLength(24);
    expect(Buffer.from(generateSecret(64).slice(6), 'base64')).toHaveLength(64);
    for (const bad of [23, 65, 0, 32.5, Number.NaN]) {
      expect(() => generateSecret(bad)).toThrow(RangeError);
    }
  });
});
