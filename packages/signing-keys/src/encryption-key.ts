import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * The key that encrypts endpoint signing keys at rest (AES-256-GCM). `id` is a short fingerprint
 * stored with every ciphertext, so a wrong key is reported as such instead of as corrupt data.
 * The bytes live in a KeyObject, which never prints them (logs, errors, console.log).
 */
export type EncryptionKey = { id: string; key: KeyObject };

const keyBytes = 32;

const encryptionKeyFormat =
  'HOOKLINE_ENCRYPTION_KEY must be 32 random bytes, as base64 (44 characters, `openssl rand -base64 32`) or hex (64 characters, `openssl rand -hex 32`)';

/** Reads HOOKLINE_ENCRYPTION_KEY's text; throws an Error describing the format, never echoing the value. */
export function parseEncryptionKey(text: string): EncryptionKey {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : null;
  if (!bytes || bytes.length !== keyBytes) {
    throw new Error(
      `${encryptionKeyFormat}; the value given ${bytes ? `decodes to ${bytes.length} bytes` : 'is neither'}.`,
    );
  }
  return { id: fingerprint(bytes), key: createSecretKey(bytes) };
}

/** A new key in the documented text form (base64 of 32 random bytes). */
export function generateEncryptionKeyText(): string {
  return randomBytes(keyBytes).toString('base64');
}

// 8 hex characters of a domain-separated hash: enough to tell keys apart, useless for guessing one.
function fingerprint(bytes: Buffer): string {
  return createHash('sha256').update('hookline encryption key id\0').update(bytes).digest('hex').slice(0, 8);
}

/** The env setting, for each app's env.ts: optional text, checked for shape here. */
export const EncryptionKeySetting = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    try {
      parseEncryptionKey(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
