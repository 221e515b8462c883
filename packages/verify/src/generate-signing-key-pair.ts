import { generateKeyPairSync } from 'node:crypto';
import { PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX } from './key-material';

/**
 * A new Ed25519 key pair for asymmetric (`v1a`) signatures.
 * secretKey: `whsk_` + base64(32-byte private seed); publicKey: `whpk_` + base64(32-byte public key).
 */
export function generateSigningKeyPair(): { secretKey: string; publicKey: string } {
  // JWK export is the simplest way to get the raw 32-byte seed (d) and public key (x) out of Node.
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const publicKey = Buffer.from(jwk.x!, 'base64url');
  return {
    secretKey: SIGNING_KEY_PREFIX + seed.toString('base64'),
    publicKey: PUBLIC_KEY_PREFIX + publicKey.toString('base64'),
  };
}
