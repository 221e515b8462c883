import type { IncomingMessage } from 'node:http';
import { WebhookVerificationError } from './errors';
import { verifyWebhook, type RequestVerifyOptions, type VerifyWebhookOptions } from './verify-webhook';

// Matches the ~1 MiB payload limit common among webhook senders; raise it if your events are bigger.
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the raw body of a Node `http` request (at most `maxBodyBytes`) and verifies it.
 * Call it before anything else consumes the body.
 */
export async function verifyNodeRequest<T = unknown>(
  req: IncomingMessage,
  options: RequestVerifyOptions,
  { maxBodyBytes = DEFAULT_MAX_BODY_BYTES }: { maxBodyBytes?: number } = {},
): Promise<T> {
  const body = await readBody(req, maxBodyBytes);
  return verifyWebhook<T>({ ...options, headers: req.headers, body } as VerifyWebhookOptions);
}

function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  if (req.readableEnded) {
    // Waiting would hang forever; this is a setup bug, so a plain Error (a 500), not a verification failure.
    return Promise.reject(
      new Error('verifyNodeRequest: the request body was already read. Call it before any body parser runs.'),
    );
  }
  const tooLarge = () =>
    new WebhookVerificationError(
      'invalid_body',
      `The request body is larger than maxBodyBytes (${maxBodyBytes} bytes). Raise maxBodyBytes if your events are that big.`,
    );
  // Refuse early when the sender announces an oversized body; the streaming count below covers chunked bodies.
  if (Number(req.headers['content-length']) > maxBodyBytes) return Promise.reject(tooLarge());

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        cleanup();
        // Keep the stream flowing so the rest is discarded and the caller can still send a response.
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
