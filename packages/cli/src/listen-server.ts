import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyNodeRequest, verifyWebhook, WebhookVerificationError } from '@hookline/verify';

/** The keys a request may be signed with: whsec_ secrets (hmac) and whpk_ public keys (ed25519). */
export type ListenKeys = { secrets: string[]; publicKeys: string[] };

export type ListenResult =
  | { verified: true; path: string; webhookId: string | undefined; event: unknown }
  | { verified: false; path: string; webhookId: string | undefined; reason: string; message: string };

/**
 * A local receiver that verifies every request as a real one would (`@hookline/verify`): a verified
 * webhook is answered 204, a forged, stale or unsigned one 401, and each is reported to `onRequest`.
 */
export async function startListenServer({
  host,
  port,
  keys,
  onRequest,
}: {
  host: string;
  port: number;
  keys: ListenKeys;
  onRequest: (result: ListenResult) => void;
}) {
  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '/';
    const webhookId = header(req, 'webhook-id');
    try {
      const event = await verify(req, keys);
      onRequest({ verified: true, path, webhookId, event });
      res.writeHead(204).end();
    } catch (error) {
      const reason = error instanceof WebhookVerificationError ? error.code : 'error';
      onRequest({ verified: false, path, webhookId, reason, message: (error as Error).message });
      res
        .writeHead(error instanceof WebhookVerificationError ? 401 : 500, { 'content-type': 'text/plain' })
        .end(`${reason}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * During a rotation that switches scheme an endpoint signs with a secret and a public key at once:
 * either kind of signature is accepted. The body is read once and verified against each kind.
 */
/**
 * Refuses a malformed key before listening rather than answering every webhook 500. verifyWebhook
 * checks its keys before anything else: with no headers a well-formed key fails as `missing_header`.
 */
export function checkListenKeys(keys: ListenKeys): void {
  const probes = [
    ...(keys.secrets.length ? [{ secret: keys.secrets }] : []),
    ...(keys.publicKeys.length ? [{ publicKey: keys.publicKeys }] : []),
  ];
  for (const probe of probes) {
    try {
      verifyWebhook({ headers: {}, body: '', ...probe });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
    }
  }
}

async function verify(req: http.IncomingMessage, keys: ListenKeys): Promise<unknown> {
  if (keys.publicKeys.length === 0) return verifyNodeRequest(req, { secret: keys.secrets });
  if (keys.secrets.length === 0) return verifyNodeRequest(req, { publicKey: keys.publicKeys });
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  try {
    return verifyWebhook({ headers: req.headers, body, secret: keys.secrets });
  } catch {
    return verifyWebhook({ headers: req.headers, body, publicKey: keys.publicKeys });
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name] ?? req.headers[name.replace('webhook-', 'svix-')];
  return Array.isArray(value) ? value[0] : value;
}
