import { createHash, createHmac, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import type { EncryptionKey } from '@hookline/signing-keys';

// Keys are recognisable ("hk_" like Stripe's "sk_") and carry 32 random bytes.
const keyPrefix = 'hk_';

export function generateApiKey(): string {
  return keyPrefix + randomBytes(32).toString('base64url');
}

/** Marks a keyed hash; a stored hash without it is the unkeyed SHA-256 of an older version. */
export const keyedHashTag = 'hmac-sha256:';

// The hashing key is derived from HOOKLINE_ENCRYPTION_KEY (HKDF, its own label), so it is kept where
// that key is kept, apart from the database: a dump alone holds hashes nobody can test guesses against.
const hashingKeys = new WeakMap<EncryptionKey, Buffer>();
function hashingKey(encryptionKey: EncryptionKey): Buffer {
  let derived = hashingKeys.get(encryptionKey);
  if (!derived) {
    const bytes = hkdfSync('sha256', encryptionKey.key as KeyObject, '', 'hookline api key hash', 32);
    derived = Buffer.from(bytes);
    hashingKeys.set(encryptionKey, derived);
  }
  return derived;
}

/** The unkeyed SHA-256 older versions stored; only the upgrade of those rows reads it. */
export const legacyApiKeyHash = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * What is stored for a key: an HMAC of its SHA-256 under a key derived from HOOKLINE_ENCRYPTION_KEY.
 * Hashing the digest rather than the key lets rows stored unkeyed be upgraded without their keys
 * (upgradeApiKeyHashes). A generated key has 256 random bits, but a configured one is chosen by a
 * person: the keyed hash is what keeps a stolen dump from being guessed against.
 */
export function hashApiKey(encryptionKey: EncryptionKey, key: string): string {
  return keyedHashOfDigest(encryptionKey, legacyApiKeyHash(key));
}

export function keyedHashOfDigest(encryptionKey: EncryptionKey, digest: string): string {
  return keyedHashTag + createHmac('sha256', hashingKey(encryptionKey)).update(digest).digest('hex');
}

/** The first characters of a generated key (random, so they say nothing about the rest), to tell keys apart. */
export const apiKeyPrefix = (key: string) => key.slice(0, 8);

/**
 * How a configured key is told apart in a list: never its own characters (a person chose it, so each
 * one shown is one fewer to guess), but a few characters of its keyed hash, which say nothing without
 * the server's key.
 */
export const configuredKeyFingerprint = (keyHash: string) =>
  `fingerprint:${keyHash.slice(keyedHashTag.length, keyedHashTag.length + 12)}`;
