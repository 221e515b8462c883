import { verifyWebhook, type RequestVerifyOptions, type VerifyWebhookOptions } from './verify-webhook';

/** Verifies a Fetch API `Request` (Node 20+, Deno, Bun, Cloudflare Workers, Next.js route handlers). */
export async function verifyFetchRequest<T = unknown>(request: Request, options: RequestVerifyOptions): Promise<T> {
  // Raw bytes rather than request.text(): text() drops a leading byte-order mark and replaces invalid
  // UTF-8, either of which would change the bytes the signature covers.
  const body = new Uint8Array(await request.arrayBuffer());
  return verifyWebhook<T>({ ...options, headers: request.headers, body } as VerifyWebhookOptions);
}
