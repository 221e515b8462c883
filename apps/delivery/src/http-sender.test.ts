import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressPolicy, loopbackCidrs } from '@hookline/egress';
import { createHttpSender } from './http-sender';

// The transport half of the classification table, against real sockets: each failure must come back
// as a value with the error class the retry policy reads.
let server: http.Server;
let base: string;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      if (path === '/hang') return;
      if (path === '/reset') return req.socket.destroy();
      if (path === '/gone') return res.writeHead(410).end('gone');
      if (path === '/redirect') return res.writeHead(302, { location: '/ok' }).end();
      if (path === '/throttled') return res.writeHead(429, { 'retry-after': '7' }).end();
      if (path === '/abort') return res.writeHead(500, { 'webhook-delivery': 'abort' }).end();
      if (path === '/big') return res.writeHead(500).end('x'.repeat(100_000));
      res.writeHead(204).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// The test server is on loopback, which the SSRF rules only allow when asked to.
const sender = createHttpSender({
  timeoutMs: 300,
  maxResponseBytes: 1024,
  egress: createEgressPolicy({ allowedCidrs: loopbackCidrs }),
});
const post = (url: string) => sender.send({ url, headers: {}, body: '{}' });

describe('http sender outcomes', () => {
  it('2xx is a success', async () => {
    expect(await post(`${base}/ok`)).toMatchObject({ kind: 'success', status: 204 });
  });

  it('3xx is a failure and is not followed', async () => {
    expect(await post(`${base}/redirect`)).toMatchObject({ kind: 'failure', status: 302, errorClass: 'http_status' });
  });

  it('keeps the status and headers the policy reads (410, Retry-After, Webhook-Delivery)', async () => {
    expect(await post(`${base}/gone`)).toMatchObject({ kind: 'failure', status: 410, body: 'gone' });
    expect(await post(`${base}/throttled`)).toMatchObject({ status: 429, headers: { 'retry-after': '7' } });
    expect(await post(`${base}/abort`)).toMatchObject({ status: 500, headers: { 'webhook-delivery': 'abort' } });
  });

  it('keeps at most maxResponseBytes of the body', async () => {
    const outcome = await post(`${base}/big`);
    expect(outcome.body).toHaveLength(1024);
  });

  it('a receiver that never answers is a timeout', async () => {
    expect(await post(`${base}/hang`)).toMatchObject({ kind: 'failure', status: null, errorClass: 'timeout' });
  });

  it('a reset connection is a connection failure', async () => {
    expect(await post(`${base}/reset`)).toMatchObject({ kind: 'failure', errorClass: 'connection' });
  });

  it('a refused connection is a connection failure', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await post(`http://127.0.0.1:${port}/`)).toMatchObject({
      kind: 'failure',
      errorClass: 'connection',
      error: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('a name that does not resolve is a DNS failure', async () => {
    // .invalid never resolves (RFC 2606); without a resolver at all it is EAI_AGAIN, also DNS.
    expect(await post('http://hookline-test.invalid/')).toMatchObject({ kind: 'failure', errorClass: 'dns' });
  });

  it('a failed TLS handshake is a TLS failure', async () => {
    // TLS spoken to a plain HTTP server: the handshake gets an HTTP answer back.
    expect(await post(`${base.replace('http:', 'https:')}/ok`)).toMatchObject({ kind: 'failure', errorClass: 'tls' });
  });
});
