import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors';
import { generateSecret } from './generate-secret';
import { verifyNodeRequest } from './verify-node-request';
import { webhookHeaders } from './webhook-headers';

// The example from this package's README, as a real server: 204 when verified, 401/413 when not, 500 on setup bugs.
async function startReceiver({
  secret,
  maxBodyBytes,
  before,
}: {
  secret: string;
  maxBodyBytes?: number;
  before?: (req: IncomingMessage) => Promise<void>;
}) {
  const events: unknown[] = [];
  const server = createServer(async (req, res) => {
    try {
      await before?.(req);
      events.push(await verifyNodeRequest(req, { secret }, { maxBodyBytes }));
      res.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) return res.writeHead(500).end((error as Error).message);
      res.writeHead(error.code === 'invalid_body' ? 413 : 401).end(error.code);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  stops.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${port}/webhooks`, events };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

function signedRequest(secret: string, body: string) {
  const headers = webhookHeaders({ id: 'evt_1', timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] });
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body };
}

describe('verifyNodeRequest', () => {
  const secret = generateSecret();
  const body = JSON.stringify({ type: 'order.created', data: { id: 'ord_1' } });

  it('verifies a real POST and returns the event', async () => {
    const receiver = await startReceiver({ secret });
    const response = await fetch(receiver.url, signedRequest(secret, body));
    expect(response.status).toBe(204);
    expect(receiver.events).toEqual([JSON.parse(body)]);
  });

  it('rejects a POST signed with another secret', async () => {
    const receiver = await startReceiver({ secret });
    const response = await fetch(receiver.url, signedRequest(generateSecret(), body));
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('bad_signature');
    expect(receiver.events).toEqual([]);
  });

  it('refuses a body over maxBodyBytes announced by content-length', async () => {
    const receiver = await startReceiver({ secret, maxBodyBytes: 1024 });
    const big = JSON.stringify({ type: 'blob', data: 'x'.repeat(4096) });
    const response = await fetch(receiver.url, signedRequest(secret, big));
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('invalid_body');
  });

  it('stops reading a chunked body once it passes maxBodyBytes', async () => {
    const framing: Array<string | undefined> = [];
    const receiver = await startReceiver({
      secret,
      maxBodyBytes: 1024,
      before: async (req) => void framing.push(req.headers['content-length'] ?? req.headers['transfer-encoding']),
    });
    const big = JSON.stringify({ type: 'blob', data: 'x'.repeat(4096) });
    const request = signedRequest(secret, big);
    const chunks = [big.slice(0, 1000), big.slice(1000)];
    // A stream body has no content-length, so only the running count can catch it.
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const response = await fetch(receiver.url, { ...request, body: stream, duplex: 'half' } as RequestInit);
    expect(framing).toEqual(['chunked']);
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('invalid_body');
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const receiver = await startReceiver({ secret, maxBodyBytes: body.length });
    const response = await fetch(receiver.url, signedRequest(secret, body));
    expect(response.status).toBe(204);
  });

  it('says so when something already consumed the body', async () => {
    const receiver = await startReceiver({
      secret,
      before: async (req) => {
        for await (const _chunk of req);
      },
    });
    const response = await fetch(receiver.url, signedRequest(secret, body));
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/already read/);
  });
});
