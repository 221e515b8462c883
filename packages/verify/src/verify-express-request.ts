import type { HeadersInput } from './header-value';
import { verifyWebhook, type RequestVerifyOptions, type VerifyWebhookOptions } from './verify-webhook';

/** The part of an Express request this needs; typed structurally so Express is not a dependency. */
export interface ExpressLikeRequest {
  headers: HeadersInput;
  body?: unknown;
}

const USE_EXPRESS_RAW =
  "mount express.raw({ type: 'application/json' }) on this route (and no express.json() before it), " +
  'so req.body is the raw Buffer the signature covers.';

/** Verifies an Express request whose body was read by `express.raw()`. */
export function verifyExpressRequest<T = unknown>(req: ExpressLikeRequest, options: RequestVerifyOptions): T {
  const { body } = req;
  // Configuration mistakes throw plain Errors (a 500), so they are not mistaken for forged requests.
  if (body === undefined) {
    throw new Error(`verifyExpressRequest: req.body is undefined; ${USE_EXPRESS_RAW}`);
  }
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new Error(
      `verifyExpressRequest: req.body is an already-parsed ${body === null ? 'null' : typeof body}, ` +
        `which cannot be verified because re-serialised JSON differs from what was signed; ${USE_EXPRESS_RAW}`,
    );
  }
  return verifyWebhook<T>({ ...options, headers: req.headers, body } as VerifyWebhookOptions);
}
