import type http from 'node:http';
import { AppError, payloadTooLargeMessage } from './errors';

// Event data may nest 32 levels (StorableJson); a request wraps it in a few more. Anything deeper is
// refused before it is parsed: the REST adapter re-serialises bodies recursively and would overflow.
const maxRequestJsonDepth = 64;

/**
 * Reads what trpc-to-openapi would otherwise read itself, in ways that break on hostile input: the
 * query string (a key such as `constructor` or `__proto__` collides with its plain-object map) and
 * the JSON body (unbounded nesting overflows the stack when tRPC re-serialises it). The results go on
 * `req.query` and `req.body`, where the adapter looks first. Returns the error to answer with, if any.
 */
export async function prepareRestRequest(req: http.IncomingMessage, maxBodySize: number): Promise<AppError | null> {
  const query: Record<string, string[]> = Object.create(null);
  for (const [key, value] of new URL(req.url ?? '/', 'http://hookline').searchParams) {
    if (key === '__proto__') continue;
    (query[key] ??= []).push(value);
  }
  Object.assign(req, { query });

  if (req.method === 'GET' || req.method === 'HEAD') return null;
  if (!hasBody(req) && req.headers['content-type'] === undefined) {
    // A POST or DELETE with nothing to say (retry, revoke, a rotation with the defaults) is sent as
    // generated clients and `curl -X POST` send it: no body and no content type. It is an empty JSON
    // body; an operation that needs fields answers 400 naming them, not 415.
    req.headers['content-type'] = 'application/json';
    Object.assign(req, { body: undefined });
    return null;
  }
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('application/json')) return null;
  const text = await readCapped(req, maxBodySize);
  if (text === null) return new AppError('payload_too_large', payloadTooLargeMessage(maxBodySize));
  if (text.trim() === '') {
    Object.assign(req, { body: undefined });
    return null;
  }
  if (jsonDepth(text) > maxRequestJsonDepth)
    return new AppError('validation', `request body nests deeper than ${maxRequestJsonDepth} levels`);
  try {
    Object.assign(req, { body: JSON.parse(text) as unknown });
  } catch (error) {
    return new AppError('validation', `request body is not valid JSON: ${(error as Error).message}`);
  }
  return null;
}

/** Whether the request carries a body at all: HTTP/1.1 says one comes only with a length or chunked encoding. */
function hasBody(req: http.IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The body as text, or null as soon as it passes `limit` bytes (the rest is never buffered). */
async function readCapped(req: http.IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The deepest nesting of [ and { in JSON text, strings skipped; a scan, so no recursion to overflow. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
