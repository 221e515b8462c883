import { publicKeyFor } from '@hookline/verify';
import { describe, expect, it } from 'vitest';
import { generateEncryptionKeyText, parseEncryptionKey } from './encryption-key';
import { newSigningKey, openLiveSigningKeys } from './endpoint-signing-keys';

const key = parseEncryptionKey(generateEncryptionKeyText());
const now = new Date('2025-01-15T10:00:00.000Z');

describe('newSigningKey / openLiveSigningKeys', () => {
  it('makes a sealed whsec_ for hmac and a sealed whsk_ with its whpk_ for ed25519', () => {
    const hmac = newSigningKey(key, 'ep_1', 'hmac', now);
    expect(hmac.plaintext).toMatch(/^whsec_/);
    expect(hmac.stored).toMatchObject({
      signing: 'hmac',
      publicKey: null,
      createdAt: now.toISOString(),
      expiresAt: null,
    });
    expect(hmac.stored.sealed).not.toContain('whsec_');

    const ed = newSigningKey(key, 'ep_1', 'ed25519', now);
    expect(ed.plaintext).toMatch(/^whsk_/);
    expect(ed.stored.publicKey).toBe(publicKeyFor(ed.plaintext));
    expect(ed.stored.sealed).not.toContain('whsk_');
  });

  it('opens only the keys still live, newest first', () => {
    const current = newSigningKey(key, 'ep_1', 'ed25519', now);
    const previous = newSigningKey(key, 'ep_1', 'hmac', now);
    const expired = newSigningKey(key, 'ep_1', 'hmac', now);
    const stored = [
      current.stored,
      { ...previous.stored, expiresAt: new Date(now.getTime() + 1000).toISOString() },
      { ...expired.stored, expiresAt: now.toISOString() },
    ];
    expect(openLiveSigningKeys(key, 'ep_1', stored, now).map((k) => k.plaintext)).toEqual([
      current.plaintext,
      previous.plaintext,
    ]);
  });
});
