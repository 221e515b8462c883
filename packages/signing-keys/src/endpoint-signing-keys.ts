import type { SigningScheme, StoredSigningKey } from '@hookline/db';
import { generateSecret, generateSigningKeyPair } from '@hookline/verify';
import type { EncryptionKey } from './encryption-key';
import { sealSecret, unsealSecret } from './seal';

/** A signing key in the clear: `plaintext` is whsec_ (hmac) or whsk_ (ed25519) and never leaves Hookline for ed25519. */
export type OpenSigningKey = {
  signing: SigningScheme;
  plaintext: string;
  publicKey: string | null;
  createdAt: string;
  expiresAt: string | null;
};

/** A fresh key of the scheme, sealed for `endpointId`'s row, and its plaintext to show once. */
export function newSigningKey(key: EncryptionKey, endpointId: string, signing: SigningScheme, now: Date) {
  const pair = signing === 'ed25519' ? generateSigningKeyPair() : null;
  const plaintext = pair ? pair.secretKey : generateSecret();
  const stored: StoredSigningKey = {
    signing,
    sealed: sealSecret(key, plaintext, endpointId),
    publicKey: pair?.publicKey ?? null,
    createdAt: now.toISOString(),
    expiresAt: null,
  };
  return { stored, plaintext };
}

export function isLive(signingKey: StoredSigningKey, now: Date): boolean {
  return signingKey.expiresAt === null || Date.parse(signingKey.expiresAt) > now.getTime();
}

/** Every key that still signs at `now`, newest first, decrypted. Throws SecretDecryptionError on a wrong key. */
export function openLiveSigningKeys(
  key: EncryptionKey,
  endpointId: string,
  stored: readonly StoredSigningKey[],
  now: Date,
): OpenSigningKey[] {
  return stored
    .filter((s) => isLive(s, now))
    .map((s) => ({
      signing: s.signing,
      plaintext: unsealSecret(key, s.sealed, endpointId),
      publicKey: s.publicKey,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
    }));
}
