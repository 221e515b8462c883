import { createHash, randomBytes } from 'node:crypto';

// Keys are recognisable ("hk_" like Stripe's "sk_") and carry 32 random bytes.
const keyPrefix = 'hk_';

export function generateApiKey(): string {
  return keyPrefix + randomBytes(32).toString('base64url');
}

// A fast hash is right here: the key is 256 random bits, so there is nothing to brute-force.
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The first characters, stored in the clear to tell keys apart in a list. */
export const apiKeyPrefix = (key: string) => key.slice(0, 8);
