import type { EndpointSecret, SigningScheme } from '@hookline/db';
import { generateSecret, generateSigningKeyPair } from '@hookline/verify';
import type { EncryptionKey } from './encryption-key';
import { openSecret, sealSecret } from './seal';

/** A signing key in the clear: `secret` is whsec_ (hmac) or whsk_ (ed25519) and never leaves Hookline for ed25519. */
export type OpenSigningKey = {
  signing: SigningScheme;
  secret: string;
  publicKey: string | null;
  createdAt: string;
  expiresAt: string | null;
};

/** A fresh key of the scheme, sealed for `endpointId`'s row, and its plaintext to show once. */
export function newSigningKey(key: EncryptionKey, endpointId: string, signing: SigningScheme, now: Date) {
  const pair = signing === 'ed25519' ? generateSigningKeyPair() : null;
  const secret = pair ? pair.secretKey : generateSecret();
  const stored: EndpointSecret = {
    signing,
    sealed: sealSecret(key, secret, endpointId),
    publicKey: pair?.publicKey ?? null,
    createdAt: now.toISOString(),
    expiresAt: null,
  };
  return { stored, secret };
}

export function isLive(secret: EndpointSecret, now: Date): boolean {
  return secret.expiresAt === null || Date.parse(secret.expiresAt) > now.getTime();
}

/** Every key that still signs at `now`, newest first, decrypted. Throws SecretDecryptionError on a wrong key. */
export function openLiveSigningKeys(
  key: EncryptionKey,
  endpointId: string,
  stored: readonly EndpointSecret[],
  now: Date,
): OpenSigningKey[] {
  return stored
    .filter((s) => isLive(s, now))
    .map((s) => ({
      signing: s.signing,
      secret: openSecret(key, s.sealed, endpointId),
      publicKey: s.publicKey,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
    }));
}
