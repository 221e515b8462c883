import { randomBytes } from 'node:crypto';
import { SECRET_PREFIX } from './key-material';

// Standard Webhooks allows 24..64 random bytes; 32 matches HMAC-SHA256's output size.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** A new HMAC endpoint secret: `whsec_` + base64 of `byteLength` random bytes. */
export function generateSecret(byteLength = 32): string {
  if (!Number.isInteger(byteLength) || byteLength < MIN_SECRET_BYTES || byteLength > MAX_SECRET_BYTES) {
    throw new RangeError(
      `generateSecret: byteLength must be a whole number from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES}, got ${byteLength}.`,
    );
  }
  return SECRET_PREFIX + randomBytes(byteLength).toString('base64');
}
