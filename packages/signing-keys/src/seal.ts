import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './encryption-key';

// AES-256-GCM with a random 96-bit nonce: at 2^32 encryptions per key the nonce-collision risk is
// still below 2^-32; Hookline seals a few keys per endpoint rotation and a few header values per
// endpoint save, far below that.
const algorithm = 'aes-256-gcm';
const ivBytes = 12;
const tagBytes = 16;
const format = 'v1';

export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

/**
 * Encrypts a secret's `plaintext` (a signing key, a header value) as `v1:<key id>:<base64url(iv | ciphertext | tag)>`. `context` (the endpoint id)
 * is authenticated but not stored: a ciphertext copied onto another endpoint's row (or another header) does not open.
 */
export function sealSecret(key: EncryptionKey, plaintext: string, context: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv(algorithm, key.key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${format}:${key.id}:${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
}

/** Decrypts what sealSecret made with the same key and context; throws SecretDecryptionError otherwise. */
export function unsealSecret(key: EncryptionKey, sealed: string, context: string): string {
  const [version, keyId, payload, ...rest] = sealed.split(':');
  if (version !== format || !keyId || !payload || rest.length > 0) {
    throw new SecretDecryptionError(
      `a stored secret of ${context} is not in the ${format} format; it was not written by this version of Hookline`,
    );
  }
  if (keyId !== key.id) {
    throw new SecretDecryptionError(
      `the secrets of ${context} were encrypted with key ${keyId}, but HOOKLINE_ENCRYPTION_KEY is key ${key.id}; ` +
        'start the API and the worker with the key they were written with',
    );
  }
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length < ivBytes + tagBytes) throw new SecretDecryptionError(`a stored secret of ${context} is truncated`);
  const decipher = createDecipheriv(algorithm, key.key, bytes.subarray(0, ivBytes), { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SecretDecryptionError(
      `a stored secret of ${context} fails authentication: it was altered or belongs to another endpoint`,
    );
  }
}
