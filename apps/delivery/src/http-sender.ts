import {
  createGuardedLookup,
  EgressBlockedError,
  endpointUrlProblem,
  findEgressBlockedError,
  parseIp,
  systemResolveHost,
  type EgressPolicy,
  type ResolveHost,
} from '@hookline/egress';
import { Agent, buildConnector, request } from 'undici';
import type { AttemptOutcome, ErrorClass } from './attempt-outcome';

export type WebhookRequest = {
  url: string;
  headers: Record<string, string>;
  body: string;
};

/** Sends one webhook; the transport is injected where tests need to control it. */
export type SendWebhook = (request: WebhookRequest) => Promise<AttemptOutcome>;

export type HttpSenderOptions = {
  timeoutMs: number;
  maxResponseBytes: number;
  /** Keep-alive connections per origin; bounds how hard one receiver is hit. */
  connectionsPerOrigin?: number;
  /** Which addresses requests may go to (SSRF rules); checked on the address each socket connects to. */
  egress: EgressPolicy;
  /** Replaces DNS (tests). */
  resolveHost?: ResolveHost;
  now?: () => number;
};

/**
 * A POST over a keep-alive pool per origin. Never follows redirects (a 3xx is a failure), gives up
 * after `timeoutMs`, and reads at most `maxResponseBytes` of the answer before dropping the socket.
 * Every new connection is checked against the egress policy on the address it actually connects to.
 */
export function createHttpSender(options: HttpSenderOptions): { send: SendWebhook; close: () => Promise<void> } {
  const {
    timeoutMs,
    maxResponseBytes,
    connectionsPerOrigin = 32,
    egress,
    resolveHost = systemResolveHost,
    now = () => performance.now(),
  } = options;
  const agent = new Agent({
    connections: connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    connect: guardedConnector({ egress, resolveHost, timeoutMs }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  const send: SendWebhook = async ({ url, headers, body }) => {
    const started = now();
    // The API checked the URL when it was stored; rules or stored rows may have changed since.
    const problem = endpointUrlProblem(url);
    if (problem) return blocked(`the endpoint URL ${problem}`, Math.round(now() - started));
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Hookline/0.1', ...headers },
        body,
        dispatcher: agent,
        signal: timeout,
      });
      const responseBody = await readCapped(response.body, maxResponseBytes);
      const responseHeaders = flattenHeaders(response.headers);
      const durationMs = Math.round(now() - started);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        return {
          kind: 'success',
          status: response.statusCode,
          body: responseBody,
          headers: responseHeaders,
          durationMs,
        };
      }
      return {
        kind: 'failure',
        status: response.statusCode,
        body: responseBody,
        headers: responseHeaders,
        errorClass: 'http_status',
        error: `HTTP ${response.statusCode}`,
        durationMs,
      };
    } catch (error) {
      const refused = findEgressBlockedError(error);
      if (refused) return blocked(refused.message, Math.round(now() - started));
      const errorClass = classify(error, timeout.aborted);
      return {
        kind: 'failure',
        status: null,
        body: null,
        headers: {},
        errorClass,
        error: errorClass === 'timeout' ? `timed out after ${timeoutMs} ms` : describe(error),
        durationMs: Math.round(now() - started),
      };
    }
  };

  return { send, close: () => agent.close() };
}

/** A refused destination: recorded like any failed attempt, but no request was made. */
function blocked(reason: string, durationMs: number): AttemptOutcome {
  return {
    kind: 'failure',
    status: null,
    body: null,
    headers: {},
    errorClass: 'blocked',
    error: `blocked: ${reason}`,
    durationMs,
  };
}

/**
 * undici's connector with the SSRF check in front: an IP literal is checked here (net.connect never
 * looks one up), a name through a lookup that checks what it resolved to and hands the socket only
 * those addresses. No second resolution happens between check and connect.
 */
function guardedConnector({
  egress,
  resolveHost,
  timeoutMs,
}: {
  egress: EgressPolicy;
  resolveHost: ResolveHost;
  timeoutMs: number;
}): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs, lookup: createGuardedLookup(egress, resolveHost) });
  return (options, callback) => {
    if (parseIp(options.hostname)) {
      const verdict = egress.check(options.hostname);
      if (!verdict.allowed) {
        callback(new EgressBlockedError(options.hostname, options.hostname, verdict.category, verdict.reason), null);
        return;
      }
    }
    connect(options, callback);
  };
}

/** Reads up to `limit` bytes, then destroys the stream so a huge answer costs nothing more. */
async function readCapped(stream: AsyncIterable<Buffer> & { destroy: () => void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  return flat;
}

function classify(error: unknown, timedOut: boolean): ErrorClass {
  if (timedOut) return 'timeout';
  const code = errorCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code && /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_VERIFY|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return 'tls';
  if (code && /^(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED)/.test(code))
    return 'connection';
  if (error instanceof Error && error.name === 'AbortError') return 'aborted';
  return 'other';
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
