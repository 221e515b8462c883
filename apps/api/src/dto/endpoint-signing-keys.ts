import { signingSchemes } from '@hookline/db';
import type { OpenSigningKey } from '@hookline/signing-keys';
import { z } from 'zod';

/** One key a receiver may verify with: the whsec_ secret (hmac) or the whpk_ public key (ed25519). */
const VerificationKey = z.object({
  signing: z.enum(signingSchemes),
  /** hmac only: the shared secret. */
  secret: z.string().nullable(),
  /** ed25519 only: the public key. */
  publicKey: z.string().nullable(),
  createdAt: z.string().datetime(),
  /** When it stops signing; null for the current key. */
  expiresAt: z.string().datetime().nullable(),
});

/**
 * What a receiver needs to verify an endpoint's webhooks. The top-level fields are the current key;
 * `keys` lists every key that still signs, newest first, so a receiver mid-rotation can accept any.
 */
export const EndpointSigningKeys = z.object({
  endpointId: z.string(),
  signing: z.enum(signingSchemes),
  secret: z.string().nullable(),
  publicKey: z.string().nullable(),
  keys: z.array(VerificationKey),
});
type EndpointSigningKeys = z.infer<typeof EndpointSigningKeys>;

// An ed25519 signing key (whsk_) is never shown: whoever holds it can forge webhooks.
export function toEndpointSigningKeysDto(endpointId: string, live: OpenSigningKey[]): EndpointSigningKeys {
  const keys = live.map((k) => ({
    signing: k.signing,
    secret: k.signing === 'hmac' ? k.plaintext : null,
    publicKey: k.publicKey,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
  }));
  const current = keys[0]!;
  return { endpointId, signing: current.signing, secret: current.secret, publicKey: current.publicKey, keys };
}
