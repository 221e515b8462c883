import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeBase64 } from './base64';

import { PUBLIC_KEY_PREFIX, SECRET_PREFIX, SIGNING_KEY_PREFIX } from './key-prefixes';

export { PUBLIC_KEY_PREFIX, SECRET_PREFIX, SIGNING_KEY_PREFIX };

/** Decoded form of a prefixed key string. */
type KeyMaterial =
  | { kind: 'hmac'; key: Buffer }
  | { kind: 'ed25519-private'; key: KeyObject }
  | { kind: 'ed25519-public'; key: KeyObject };

// Node's crypto takes Ed25519 keys as DER; a raw 32-byte key becomes DER by prefixing these fixed
// ASN.1 headers (RFC 8410: PKCS#8 for the private seed, SubjectPublicKeyInfo for the public key).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_KEY_BYTES = 32;

// The delivery worker signs thousands of requests per second with the same few secrets, and a receiver
// verifies with one or two; decoding (and building KeyObjects) once per secret saves that work.
// Bounded so a process that sees many tenants' secrets cannot grow it without limit.
export const CACHE_MAX_ENTRIES = 256;
const cache = new Map<string, KeyMaterial>();

/** Decodes a whsec_ / whsk_ / whpk_ string, from a small cache. Throws a TypeError naming the problem. */
export function keyMaterial(keyString: string): KeyMaterial {
  const cached = cache.get(keyString);
  if (cached) return cached;
  const material = decode(keyString);
  // Map iterates in insertion order, so the first key is the oldest: evict it (FIFO is enough here).
  if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(keyString, material);
  return material;
}

/** How many decoded keys are cached; for tests of the bound. */
export function keyCacheSize(): number {
  return cache.size;
}

function decode(keyString: string): KeyMaterial {
  if (keyString.startsWith(SECRET_PREFIX)) {
    return { kind: 'hmac', key: decodeOrThrow(keyString, SECRET_PREFIX) };
  }
  if (keyString.startsWith(SIGNING_KEY_PREFIX)) {
    const seed = decodeEd25519(keyString, SIGNING_KEY_PREFIX);
    const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
    return { kind: 'ed25519-private', key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  }
  if (keyString.startsWith(PUBLIC_KEY_PREFIX)) {
    const raw = decodeEd25519(keyString, PUBLIC_KEY_PREFIX);
    const der = Buffer.concat([SPKI_ED25519_PREFIX, raw]);
    return { kind: 'ed25519-public', key: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
  }
  throw new TypeError(
    `Unknown key prefix "${describePrefix(keyString)}": expected a ${SECRET_PREFIX} secret, ` +
      `a ${SIGNING_KEY_PREFIX} signing key or a ${PUBLIC_KEY_PREFIX} public key.`,
  );
}

function decodeOrThrow(keyString: string, prefix: string): Buffer {
  const bytes = decodeBase64(keyString.slice(prefix.length));
  if (!bytes) {
    throw new TypeError(
      `The ${prefix} key is not valid base64 after its prefix. Copy it again in full; it looks like ${prefix}<base64>.`,
    );
  }
  return bytes;
}

function decodeEd25519(keyString: string, prefix: string): Buffer {
  const bytes = decodeOrThrow(keyString, prefix);
  if (bytes.length !== ED25519_KEY_BYTES) {
    throw new TypeError(
      `The ${prefix} key decodes to ${bytes.length} bytes; an Ed25519 ${prefix} key is exactly ${ED25519_KEY_BYTES} raw bytes.`,
    );
  }
  return bytes;
}

// Never echo a whole key into an error message (they end up in logs); the prefix is enough to diagnose.
function describePrefix(keyString: string): string {
  const underscore = keyString.indexOf('_');
  return underscore > 0 && underscore <= 8 ? keyString.slice(0, underscore + 1) : keyString.slice(0, 4) + '…';
}
