import type { EgressPolicy } from './egress-policy';
import { parseIp } from './ip-address';
import type { ResolveHost } from './resolve-host';

/**
 * What is wrong with an endpoint URL on its face, or null. Only http: and https:, a host, and no
 * credentials: user:password@ in a URL ends up in logs and in every receiver's access log.
 */
export function endpointUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL such as https://example.com/webhooks';
  }
  // The URL parser strips leading and trailing spaces and drops tabs and newlines anywhere: what was
  // sent would not be what is called. Such a URL is refused rather than silently repaired.
  if (hasWhitespaceOrControl(url)) return 'must not contain whitespace or control characters';
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `must be an http: or https: URL, not ${parsed.protocol}`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'must not contain credentials (user:password@); receivers authenticate Hookline by its signature';
  }
  if (parsed.hostname === '') return 'must name a host';
  return null;
}

/**
 * The URL as it is stored and called: the parser's own serialisation (`http:127.0.0.1:4101` becomes
 * `http://127.0.0.1:4101/`, the host lower-cased, the path percent-encoded), so what is listed is
 * exactly what is requested. Call after endpointUrlProblem has found nothing.
 */
export function normalizeEndpointUrl(url: string): string {
  return new URL(url).href;
}

// Written as a code-point test: a control-character range in a regular expression trips the linter.
function hasWhitespaceOrControl(url: string): boolean {
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || /\s/.test(url[i]!)) return true;
  }
  return false;
}

export type HostCheck =
  | { ok: true; addresses: string[] }
  | { ok: false; reason: string }
  /** The name did not resolve (yet): nothing to refuse now; every delivery checks again. */
  | { ok: 'unresolved'; reason: string };

// A slow resolver must not hold an API request for long; the delivery-time check is the one that counts.
const resolveTimeoutMs = 3_000;

/**
 * Resolves the URL's host and checks every address against the policy. One refused address refuses
 * the name: a name that also points inside the network is not one to send webhooks to.
 */
export async function checkUrlHost(url: string, policy: EgressPolicy, resolve: ResolveHost): Promise<HostCheck> {
  const hostname = new URL(url).hostname;
  const literal = parseIp(hostname);
  if (literal) {
    const verdict = policy.check(hostname);
    return verdict.allowed ? { ok: true, addresses: [hostname] } : { ok: false, reason: verdict.reason };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const addresses = await Promise.race([
      resolve(hostname),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${resolveTimeoutMs} ms`)), resolveTimeoutMs);
      }),
    ]);
    if (addresses.length === 0) return { ok: 'unresolved', reason: `${hostname} has no addresses` };
    for (const { address } of addresses) {
      const verdict = policy.check(address, hostname);
      if (!verdict.allowed) return { ok: false, reason: verdict.reason };
    }
    return { ok: true, addresses: addresses.map((a) => a.address) };
  } catch (error) {
    return { ok: 'unresolved', reason: `${hostname} could not be resolved: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
