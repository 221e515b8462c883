import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from './generate-signing-key-pair';
import { publicKeyFor } from './public-key-for';

describe('generateSigningKeyPair / publicKeyFor', () => {
  it('encodes the raw 32-byte seed and public key in base64 behind whsk_ / whpk_', () => {
    const { secretKey, publicKey } = generateSigningKeyPair();
    expect(secretKey).toMatch(/^whsk_/);
    expect(publicKey).toMatch(/^whpk_/);
    expect(Buffer.from(secretKey.slice(5), 'base64')).toHaveLength(32);
    expect(Buffer.from(publicKey.slice(5), 'base64')).toHaveLength(32);
  });

  it('derives the same public key from the signing key', () => {
    const pair = generateSigningKeyPair();
    expect(publicKeyFor(pair.secretKey)).toBe(pair.publicKey);
    expect(generateSigningKeyPair().publicKey).not.toBe(pair.publicKey);
  });

  it('rejects anything but a whsk_ key', () => {
    expect(() => publicKeyFor('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(/whsk_/);
    expect(() => publicKeyFor(generateSigningKeyPair().publicKey)).toThrow(/whsk_/);
    expect(() => publicKeyFor('whsk_dG9vIHNob3J0')).toThrow(/exactly 32/);
  });
});
