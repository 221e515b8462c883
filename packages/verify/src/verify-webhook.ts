import { createHmac, timingSafeEqual, verify } from 'node:crypto';
import { keyMaterial } from './key-material';
import { signedContent } from './signed-content';
import {
  ED25519_SIGNATURE_BYTES,
  noMatchingSignature,
  parseBody,
  readSignedRequest,
  type Entry,
  type VerifyWebhookOptions,
} from './verification-steps';

export type { RequestVerifyOptions, VerifyWebhookOptions } from './verification-steps';

/**
 * Checks the Standard Webhooks headers against the raw body and returns the parsed JSON body.
 * Throws WebhookVerificationError (answer 401) when the request is not authentic or not fresh.
 */
export function verifyWebhook<T = unknown>(options: VerifyWebhookOptions): T {
  const { keys, id, timestamp, entries } = readSignedRequest(options, keyMaterial);
  const { body } = options;
  const content = signedContent({ id, timestamp, body });
  const matched =
    keys.kind === 'secret' ? matchesHmac(keys.values, content, entries) : matchesEd25519(keys.values, content, entries);
  if (!matched) throw noMatchingSignature(keys);
  return parseBody<T>(
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
  );
}

function matchesHmac(secrets: string[], content: Buffer, entries: Entry[]): boolean {
  const candidates = entries.filter((entry) => entry.version === 'v1').map((entry) => Buffer.from(entry.value, 'utf8'));
  return secrets.some((secret) => {
    const material = keyMaterial(secret);
    if (material.kind !== 'hmac') return false;
    // Compare base64 text, so a malformed entry simply fails to match instead of decoding to something odd.
    const expected = Buffer.from(createHmac('sha256', material.key).update(content).digest('base64'), 'utf8');
    // timingSafeEqual throws on different lengths; a length mismatch reveals nothing secret, so it is just "no".
    return candidates.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  });
}

function matchesEd25519(publicKeys: string[], content: Buffer, entries: Entry[]): boolean {
  const signatures = entries
    .filter((entry) => entry.version === 'v1a')
    .map((entry) => Buffer.from(entry.value, 'base64'))
    .filter((signature) => signature.length === ED25519_SIGNATURE_BYTES);
  return publicKeys.some((publicKey) => {
    const material = keyMaterial(publicKey);
    if (material.kind !== 'ed25519-public') return false;
    return signatures.some((signature) => verify(null, content, material.key, signature));
  });
}
