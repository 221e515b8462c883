// The same verification as ../verify-webhook.ts on Web Crypto (crypto.subtle) instead of node:crypto, for
// runtimes without Node's modules: Cloudflare Workers, Vercel and Next.js edge functions, Deno, Bun,
// browsers. Web Crypto is asynchronous, so this verifyWebhook returns a Promise.
import { BASE64 } from '../base64';
import {
  ED25519_SIGNATURE_BYTES,
  noMatchingSignature,
  parseBody,
  readSignedRequest,
  type Entry,
  type VerifyWebhookOptions,
} from '../verification-steps';

export type { RequestVerifyOptions, VerifyWebhookOptions } from '../verification-steps';

const utf8 = new TextEncoder();

/**
 * Checks the Standard Webhooks headers against the raw body and resolves to the parsed JSON body.
 * Rejects with WebhookVerificationError (answer 401) when the request is not authentic or not fresh.
 */
export async function verifyWebhook<T = unknown>(options: VerifyWebhookOptions): Promise<T> {
  const { keys, id, timestamp, entries } = readSignedRequest(options, (key) =>
    keyBytes(key, options.secret ? 'secret' : 'publicKey'),
  );
  const subtle = webCrypto();
  const body = typeof options.body === 'string' ? utf8.encode(options.body) : options.body;
  const content = concat(utf8.encode(`${id}.${timestamp}.`), body);
  const [algorithm, version, signatureBytes] =
    keys.kind === 'secret'
      ? ([{ name: 'HMAC', hash: 'SHA-256' }, 'v1', 32] as const)
      : ([{ name: 'Ed25519' }, 'v1a', ED25519_SIGNATURE_BYTES] as const);
  const signatures = candidateSignatures(entries, version, signatureBytes);
  const cryptoKeys = await Promise.all(
    keys.values.map((key) =>
      subtle.importKey('raw', keyBytes(key, keys.kind), algorithm, false, ['verify']).catch((error: Error) => {
        throw new TypeError(`verifyWebhook: the runtime's Web Crypto could not import the key (${error.message}).`);
      }),
    ),
  );
  // subtle.verify compares in constant time, for HMAC as for Ed25519.
  for (const key of cryptoKeys) {
    for (const signature of signatures) {
      if (await subtle.verify(algorithm.name, key, signature, content)) {
        return parseBody<T>(new TextDecoder().decode(body));
      }
    }
  }
  throw noMatchingSignature(keys);
}

function webCrypto() {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new TypeError(
      'verifyWebhook: this runtime has no Web Crypto (globalThis.crypto.subtle). On Node 18, import "@hookline/verify" instead of "@hookline/verify/web".',
    );
  }
  return subtle;
}

// A malformed entry is skipped, not fatal, exactly as the Node verifier does.
function candidateSignatures(entries: Entry[], version: string, length: number): Uint8Array[] {
  return entries
    .filter((entry) => entry.version === version)
    .map((entry) => decodeBase64(entry.value))
    .filter((bytes): bytes is Uint8Array => bytes !== undefined && bytes.length === length);
}

function keyBytes(key: string, kind: 'secret' | 'publicKey'): Uint8Array {
  const prefixLength = key.indexOf('_') + 1;
  const bytes = decodeBase64(key.slice(prefixLength));
  if (!bytes) throw new TypeError(`The ${key.slice(0, prefixLength)} key is not valid base64 after its prefix.`);
  if (kind === 'publicKey' && bytes.length !== 32) {
    throw new TypeError(`The whpk_ key decodes to ${bytes.length} bytes; an Ed25519 public key is exactly 32.`);
  }
  return bytes;
}

function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
