import type { StoredHeader } from '@hookline/db';
import { z } from 'zod';

/**
 * Limits on an endpoint's custom headers: enough for an API key and a few routing tags, small enough
 * that every request's header block stays far below a receiver's limit (commonly 8–16 KiB).
 */
export const headerLimits = {
  maxHeaders: 20,
  /** Bytes of every name and value together. */
  maxTotalBytes: 4096,
} as const;

/** What endpoints.get and endpoints.list show in place of a value: it is stored encrypted and shown once. */
export const maskedHeaderValue = '********';

// RFC 9110 token characters: anything else in a name would be refused by the HTTP client, or worse, not.
const headerToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, spaces and tabs: no CR or LF (no injecting a header or a body), no other control
// characters, no bytes the client would have to guess an encoding for.
const headerValueCharacters = /^[\t\x20-\x7e]*$/;

/**
 * Names Hookline sets itself, that describe the connection rather than the request (the HTTP client
 * owns them; it refuses some outright), or that belong to proxies. `keep-alive`, `trailer` and `expect`
 * join the list for the same reasons.
 */
const reservedNames = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);
const reservedPrefixes = ['webhook-', 'proxy-'];

function reservedBecause(name: string): string | null {
  if (reservedNames.has(name)) return `${name} is set by Hookline or by the HTTP connection; it cannot be replaced`;
  const prefix = reservedPrefixes.find((p) => name.startsWith(p));
  if (prefix === 'webhook-') return 'webhook-* headers carry the signature (Standard Webhooks); they cannot be set';
  if (prefix) return 'proxy-* headers are for proxies, not for the receiver';
  return null;
}

/**
 * Custom headers as a caller sends them: name → value. Names are case-insensitive in HTTP, so they are
 * stored and shown in lower case, and two spellings of one name are refused.
 */
export const EndpointHeaders = z
  .record(z.string().max(256), z.string().max(headerLimits.maxTotalBytes))
  .superRefine((headers, ctx) => {
    const entries = Object.entries(headers);
    if (entries.length > headerLimits.maxHeaders) {
      ctx.addIssue({ code: 'custom', message: `at most ${headerLimits.maxHeaders} headers; got ${entries.length}` });
      return;
    }
    const seen = new Set<string>();
    let bytes = 0;
    for (const [name, value] of entries) {
      const lower = name.toLowerCase();
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      const problem = !headerToken.test(name)
        ? "is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)"
        : seen.has(lower)
          ? 'is named twice (header names are case-insensitive)'
          : reservedBecause(lower);
      seen.add(lower);
      if (problem) {
        ctx.addIssue({ code: 'custom', path: [name], message: problem });
        continue;
      }
      const valueProblem = !headerValueCharacters.test(value)
        ? 'has a character a header value cannot carry (a line break or another control character, or non-ASCII)'
        : value !== value.trim()
          ? 'starts or ends with whitespace, which HTTP strips'
          : value === maskedHeaderValue
            ? `is the mask endpoints.get shows (${maskedHeaderValue}), not a value; send the real value, or leave headers out to keep them`
            : null;
      if (valueProblem) ctx.addIssue({ code: 'custom', path: [name], message: valueProblem });
    }
    if (bytes > headerLimits.maxTotalBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `names and values come to ${bytes} bytes; at most ${headerLimits.maxTotalBytes} are allowed`,
      });
    }
  })
  .transform((headers) => Object.fromEntries(Object.entries(headers).map(([n, v]) => [n.toLowerCase(), v])))
  .describe(
    `Custom headers sent with every request, name → value (at most ${headerLimits.maxHeaders}, ${headerLimits.maxTotalBytes} bytes together). ` +
      'Values are encrypted at rest and shown only in the answer to the call that sets them.',
  );

/** The headers as endpoints.get shows them: names, with every value masked. */
export const EndpointHeadersShown = z
  .record(z.string(), z.string())
  .describe(
    `Custom header name (lower case) → value. The value is ${maskedHeaderValue} except in the answer to the create or update that set it.`,
  );

export function maskHeaders(stored: readonly StoredHeader[]): Record<string, string> {
  return Object.fromEntries(stored.map((h) => [h.name, maskedHeaderValue]));
}
