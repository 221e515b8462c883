import { verifyWebhook, type RequestVerifyOptions, type VerifyWebhookOptions } from './verify-webhook';

/** Verifies a Fetch API `Request` with Web Crypto: edge runtimes, Deno, Bun, Node 20+. */
export async function verifyFetchRequest<T = unknown>(request: Request, options: RequestVerifyOptions): Promise<T> {
  // Raw bytes rather than request.text(), which would drop a byte-order mark the signature covers.
  const body = new Uint8Array(await request.arrayBuffer());
  return verifyWebhook<T>({ ...options, headers: request.headers, body } as VerifyWebhookOptions);
}
