import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './encryption-key';

// AES-256-GCM with a random 96-bit nonce: at 2^32 encryptions per key the nonce-collision risk is
// still below 2^-32; Hookline seals a few keys per endpoint rotation, far below that.
const algorithm = 'aes-256-gcm';
const ivBytes = 12;
const tagBytes = 16;
const format = 'v1';

export class SigningKeyDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyDecryptionError';
  }
}

/**
 * Encrypts a signing key's `plaintext` as `v1:<key id>:<base64url(iv | ciphertext | tag)>`. `context` (the endpoint id)
 * is authenticated but not stored: a ciphertext copied onto another endpoint's row does not open.
 */
export function sealSigningKey(key: EncryptionKey, plaintext: string, context: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv(algorithm, key.key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${format}:${key.id}:${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
}

/** Decrypts what sealSigningKey made with the same key and context; throws SigningKeyDecryptionError otherwise. */
export function unsealSigningKey(key: EncryptionKey, sealed: string, context: string): string {
  const [version, keyId, payload, ...rest] = sealed.split(':');
  if (version !== format || !keyId || !payload || rest.length > 0) {
    throw new SigningKeyDecryptionError(
      `a stored secret of ${context} is not in the ${format} format; it was not written by this version of Hookline`,
    );
  }
  if (keyId !== key.id) {
    throw new SigningKeyDecryptionError(
      `the secrets of ${context} were encrypted with key ${keyId}, but HOOKLINE_ENCRYPTION_KEY is key ${key.id}; ` +
        'start the API and the worker with the key they were written with',
    );
  }
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length < ivBytes + tagBytes)
    throw new SigningKeyDecryptionError(`a stored secret of ${context} is truncated`);
  const decipher = createDecipheriv(algorithm, key.key, bytes.subarray(0, ivBytes), { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SigningKeyDecryptionError(
      `a stored secret of ${context} fails authentication: it was altered or belongs to another endpoint`,
    );
  }
}
