import { createHmac, sign } from 'node:crypto';
import { keyMaterial } from './key-material';
import { signedContent } from './signed-content';

export interface SignInput {
  /** Message id, the same on every retry (`webhook-id`). */
  id: string;
  /** Unix seconds of this attempt (`webhook-timestamp`). */
  timestamp: number;
  /** The exact request body that will be sent. */
  body: string;
  /** Every live key, in the order the entries should appear: `whsec_` (HMAC, `v1`) and/or `whsk_` (Ed25519, `v1a`). */
  secrets: readonly string[];
}

// Timestamps above this are almost certainly milliseconds (Date.now()); 1e11 seconds is the year 5138.
const MAX_PLAUSIBLE_UNIX_SECONDS = 1e11;

/**
 * The `webhook-signature` value: one space-separated entry per secret, `v1,<base64 HMAC-SHA256>` for
 * `whsec_` secrets and `v1a,<base64 Ed25519 signature>` for `whsk_` keys. Signing with every live secret
 * lets receivers rotate without a gap.
 */
export function signatureHeader({ id, timestamp, body, secrets }: SignInput): string {
  if (secrets.length === 0)
    throw new TypeError('signatureHeader: secrets is empty; pass at least one whsec_ or whsk_ key.');
  if (id.length === 0) throw new TypeError('signatureHeader: id is empty; pass the message id sent as webhook-id.');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`signatureHeader: timestamp must be whole Unix seconds, got ${timestamp}.`);
  }
  if (timestamp > MAX_PLAUSIBLE_UNIX_SECONDS) {
    throw new RangeError(
      `signatureHeader: timestamp ${timestamp} looks like milliseconds; pass Math.floor(Date.now() / 1000).`,
    );
  }

  const content = signedContent({ id, timestamp, body });
  return secrets
    .map((secret) => {
      const material = keyMaterial(secret);
      switch (material.kind) {
        case 'hmac':
          return `v1,${createHmac('sha256', material.key).update(content).digest('base64')}`;
        case 'ed25519-private':
          // Ed25519 hashes internally, so the algorithm argument is null.
          return `v1a,${sign(null, content, material.key).toString('base64')}`;
        case 'ed25519-public':
          throw new TypeError('signatureHeader: a whpk_ public key cannot sign; pass the matching whsk_ signing key.');
      }
    })
    .join(' ');
}
