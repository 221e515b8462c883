import { createPublicKey } from 'node:crypto';
import { keyMaterial, PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX } from './key-material';

/** The `whpk_` public key that verifies signatures made with a `whsk_` signing key. */
export function publicKeyFor(secretKey: string): string {
  if (!secretKey.startsWith(SIGNING_KEY_PREFIX)) {
    throw new TypeError(`publicKeyFor expects a ${SIGNING_KEY_PREFIX} signing key.`);
  }
  const material = keyMaterial(secretKey);
  if (material.kind !== 'ed25519-private') throw new Error('unreachable: whsk_ decodes to an Ed25519 private key');
  const jwk = createPublicKey(material.key).export({ format: 'jwk' });
  return PUBLIC_KEY_PREFIX + Buffer.from(jwk.x!, 'base64url').toString('base64');
}
