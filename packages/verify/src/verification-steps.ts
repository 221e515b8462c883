// The checks every verifier makes before and after the cryptography: which keys are configured, the three
// headers, the timestamp window, the signature entries, the JSON body. Pure JavaScript with no Node
// imports, so the Node verifier (node:crypto) and the Web Crypto verifier (edge runtimes) share them.
import { WebhookVerificationError } from './errors';
import { headerValue, type HeadersInput } from './header-value';
import { PUBLIC_KEY_PREFIX, SECRET_PREFIX } from './key-prefixes';

// Standard Webhooks' replay window: five minutes either way.
export const DEFAULT_TOLERANCE_SECONDS = 300;
export const ED25519_SIGNATURE_BYTES = 64;

interface CommonVerifyOptions {
  headers: HeadersInput;
  /** The raw request body exactly as received; never JSON that was parsed and re-serialised. */
  body: string | Uint8Array;
  /** How far `webhook-timestamp` may be from `now`, either way. Default 300. */
  toleranceSeconds?: number;
  /** Current time in milliseconds; injectable for tests. */
  now?: () => number;
}

/** Exactly one of `secret` (HMAC, `v1` entries) or `publicKey` (Ed25519, `v1a` entries). */
export type VerifyWebhookOptions = CommonVerifyOptions &
  (
    | { /** One whsec_ secret, or several while rotating. */ secret: string | readonly string[]; publicKey?: never }
    | { /** One whpk_ public key, or several while rotating. */ publicKey: string | readonly string[]; secret?: never }
  );

/** verifyWebhook's options without `headers` and `body`, which the request adapters read from the request. */
export type RequestVerifyOptions = DistributiveOmit<VerifyWebhookOptions, 'headers' | 'body'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type SignedRequest = { keys: ConfiguredKeys; id: string; timestamp: string; entries: Entry[] };

/**
 * Everything short of the cryptography: throws on a missing header or a stale timestamp. `decodeKey` runs on
 * every configured key first, so a malformed key fails loudly (TypeError) on every request, whatever its
 * headers, rather than passing unnoticed until a well-formed request arrives.
 */
export function readSignedRequest(options: VerifyWebhookOptions, decodeKey: (key: string) => unknown): SignedRequest {
  const { headers, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = () => Date.now() } = options;
  const keys = configuredKeys(options);
  for (const key of keys.values) decodeKey(key);
  const id = requiredHeader(headers, 'webhook-id');
  const timestamp = requiredHeader(headers, 'webhook-timestamp');
  const signatures = requiredHeader(headers, 'webhook-signature');
  checkTimestamp(timestamp, Math.floor(now() / 1000), toleranceSeconds);
  return { keys, id, timestamp, entries: parseEntries(signatures) };
}

export function noMatchingSignature(keys: ConfiguredKeys): WebhookVerificationError {
  const [version, keyName] = keys.kind === 'secret' ? ['v1', 'secret'] : ['v1a', 'public key'];
  return new WebhookVerificationError(
    'bad_signature',
    `No ${version} entry in webhook-signature matches the configured ${keyName}. Check that you use this endpoint's ` +
      `current ${keyName} and verify the raw request body as received, not JSON that was parsed and re-serialised.`,
  );
}

/** The body, once its signature matched. */
export function parseBody<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new WebhookVerificationError(
      'invalid_body',
      `The signature is valid but the body is not JSON (${(error as Error).message}). Hookline always sends JSON; ` +
        `check that nothing between the sender and this code rewrites the body.`,
    );
  }
}

export type ConfiguredKeys = { kind: 'secret' | 'publicKey'; values: string[] };

// Wrong configuration is the receiver's bug, not a bad request: throw TypeError so it surfaces as a 500.
function configuredKeys(options: VerifyWebhookOptions): ConfiguredKeys {
  const { secret, publicKey } = options;
  if ((secret === undefined) === (publicKey === undefined)) {
    throw new TypeError('verifyWebhook: pass exactly one of `secret` (whsec_...) or `publicKey` (whpk_...).');
  }
  const kind = secret !== undefined ? 'secret' : 'publicKey';
  const prefix = kind === 'secret' ? SECRET_PREFIX : PUBLIC_KEY_PREFIX;
  const values = ([] as string[]).concat(secret ?? publicKey ?? []);
  if (values.length === 0)
    throw new TypeError(`verifyWebhook: \`${kind}\` is an empty list; pass at least one ${prefix} key.`);
  for (const value of values) {
    if (typeof value !== 'string' || !value.startsWith(prefix)) {
      throw new TypeError(`verifyWebhook: every \`${kind}\` must start with ${prefix}.`);
    }
  }
  return { kind, values };
}

// Senders built on the svix library use svix-* names for the same three headers.
function requiredHeader(headers: HeadersInput, name: 'webhook-id' | 'webhook-timestamp' | 'webhook-signature'): string {
  const value = headerValue(headers, name) ?? headerValue(headers, name.replace('webhook-', 'svix-'));
  if (value === undefined || value === '') {
    throw new WebhookVerificationError(
      'missing_header',
      `The ${name} header is missing. Webhooks carry webhook-id, webhook-timestamp and webhook-signature; ` +
        `make sure any proxy in front of this receiver forwards them unchanged.`,
    );
  }
  return value;
}

function checkTimestamp(text: string, nowSeconds: number, toleranceSeconds: number): void {
  if (!/^\d{1,15}$/.test(text)) {
    throw new WebhookVerificationError(
      'invalid_timestamp',
      `The webhook-timestamp header "${text.slice(0, 32)}" is not whole Unix seconds; the request did not come from a Standard Webhooks sender.`,
    );
  }
  const age = nowSeconds - Number(text);
  if (age > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `webhook-timestamp is ${age} s in the past, beyond the ${toleranceSeconds} s tolerance. Reject it (it may be a replay); ` +
        `if deliveries keep failing this way, check this server's clock (NTP).`,
    );
  }
  if (-age > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `webhook-timestamp is ${-age} s in the future, beyond the ${toleranceSeconds} s tolerance. Check this server's clock (NTP).`,
    );
  }
}

export type Entry = { version: string; value: string };

// "v1,abc= v1,def= v1a,ghi=": unknown versions and malformed entries are skipped, not fatal,
// so a sender can add new schemes without breaking older receivers.
function parseEntries(header: string): Entry[] {
  return header
    .split(' ')
    .map((entry) => {
      const comma = entry.indexOf(',');
      return comma < 0 ? undefined : { version: entry.slice(0, comma), value: entry.slice(comma + 1) };
    })
    .filter((entry): entry is Entry => entry !== undefined && entry.value !== '');
}
