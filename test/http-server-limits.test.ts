import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, type TestHookline } from './support/hookline';

/**
 * A client that trickles its headers or its body, or parks idle sockets, is cut off within the
 * configured limits. The limits are small here so the test runs in seconds; the defaults and their
 * reasons are in docs/configuration.md. Node checks the timeouts on an interval (a quarter of the
 * smaller one here), so a cut comes at most that much after the limit.
 */
const limits = { headersTimeoutMs: 600, requestTimeoutMs: 1_200, keepAliveTimeoutMs: 400, maxConnections: 8 };
const slack = 600;

let hookline: TestHookline;
let port: number;

beforeAll(async () => {
  hookline = await startHookline({ worker: false, api: { serverLimits: limits } });
  port = Number(new URL(hookline.url).port);
});
afterAll(() => hookline?.stop());

/** Opens a socket, runs `drip` on it, and resolves with how long the server kept it open. */
function timeUntilClosed(drip: (socket: net.Socket) => void): Promise<{ ms: number; received: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => drip(socket));
    socket.on('data', (d) => (received += d.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve({ ms: performance.now() - started, received }));
  });
}

/** Writes one piece every `everyMs` until the socket closes. */
function trickle(socket: net.Socket, first: string, piece: string, everyMs: number) {
  socket.write(first);
  const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(piece)), everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('slow clients', () => {
  it('cuts a client that trickles its headers after headersTimeoutMs', async () => {
    const { ms, received } = await timeUntilClosed((s) =>
      trickle(s, 'GET /health HTTP/1.1\r\nhost: x\r\n', 'x-slow: 1\r\n', 100),
    );
    expect(ms).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
    expect(ms).toBeLessThanOrEqual(limits.headersTimeoutMs + slack);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts a client that trickles its body after requestTimeoutMs', async () => {
    const head =
      'POST /trpc/applications.create HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"name":"';
    const { ms } = await timeUntilClosed((s) => trickle(s, head, 'a', 100));
    expect(ms).toBeGreaterThanOrEqual(limits.requestTimeoutMs - 50);
    expect(ms).toBeLessThanOrEqual(limits.requestTimeoutMs + slack);
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const { ms, received } = await timeUntilClosed((s) => s.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n'));
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    // Node 20 closes an idle keep-alive socket a second after the timeout it advertises (measured here).
    expect(ms).toBeLessThanOrEqual(limits.keepAliveTimeoutMs + 1_000 + slack);
  });

  it(`accepts at most maxConnections at once, and serves again once they are gone`, async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: limits.maxConnections + 5 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => resolve(s));
            s.on('error', () => {});
          }),
      ),
    );
    // Sockets over the cap are closed by the server at once.
    await expect
      .poll(() => sockets.filter((s) => s.destroyed || s.readableEnded).length, { timeout: 2_000 })
      .toBeGreaterThanOrEqual(5);
    for (const s of sockets) s.destroy();
    await expect.poll(async () => (await fetch(`${hookline.url}/health`)).status, { timeout: 2_000 }).toBe(200);
  });
});

describe('/docs', () => {
  it('sends a strict CSP, nosniff and DENY, and answers only GET and HEAD', async () => {
    const page = await fetch(`${hookline.url}/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${hookline.url}/docs`, { method: 'HEAD' })).status).toBe(200);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(`${hookline.url}/docs`, { method, body: method === 'DELETE' ? undefined : 'x' });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });
});
