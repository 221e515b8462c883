import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { orderCreatedV1 } from './support/fixtures';

const payloadLimit = 256 * 1024;
const requestTimeoutMs = 300;
const responseBodyLimitBytes = 1024;

/**
 * A receiver that misbehaves on purpose: `/endless` answers 200 and streams a body that never ends,
 * `/trickle` sends one byte every 50 ms, `/hang` never answers. It counts what it managed to send.
 */
async function startHostileReceiver() {
  const stats = { endlessBytes: 0, endlessClosed: false, requests: 0 };
  const server = http.createServer((req, res) => {
    stats.requests++;
    req.resume();
    if (req.url === '/endless') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) stats.endlessBytes += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => void (stats.endlessClosed = true));
      pump();
    } else if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    }
    // /hang: never answer.
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    stats,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let hookline: TestHookline;
let hostile: Awaited<ReturnType<typeof startHostileReceiver>>;
let appId: string;

beforeAll(async () => {
  [hookline, hostile] = await Promise.all([
    startHookline({
      api: { maxPayloadBytes: payloadLimit },
      delivery: { requestTimeoutMs, responseBodyLimitBytes, retrySchedule: [] },
    }),
    startHostileReceiver(),
  ]);
  appId = (await hookline.client.applications.create.mutate({ name: 'limits' })).id;
});
afterAll(async () => {
  await hookline?.stop();
  await hostile?.close();
});

const countEvents = async () => (await hookline.sql<{ n: number }[]>`select count(*)::int as n from events`)[0]!.n;
const limitMessage = new RegExp(
  `request body is larger than the limit of ${payloadLimit} bytes \\(HOOKLINE_MAX_PAYLOAD_BYTES\\)`,
);

describe('request body limit', () => {
  it('answers 413 naming the limit through the typed client, and stores nothing', async () => {
    const before = await countEvents();
    const big = { ...orderCreatedV1, orderId: 'x'.repeat(payloadLimit) };
    const error = await hookline.client.events.publish
      .mutate({ appId, type: 'order.created', version: '1.0', data: big })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 413, code: 'payload_too_large' });
    expect((error as Error).message).toMatch(limitMessage);
    expect(await countEvents()).toBe(before);
  });

  it('stops reading a chunked body (no length given) at the limit and answers 413', async () => {
    const before = await countEvents();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${hookline.url}/trpc/events.publish`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${testAdminKey}`,
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write(`{"appId":"${appId}","type":"order.created","version":"1.0","data":{"orderId":"`);
      // Well past the limit, in pieces, as a client streaming a huge body would send it.
      for (let i = 0; i < 32; i++) req.write('x'.repeat(16 * 1024));
      req.end('"}}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.message).toMatch(limitMessage);
    expect(await countEvents()).toBe(before);
  });

  it('accepts a body just under the limit', async () => {
    const data = { ...orderCreatedV1, orderId: 'y'.repeat(payloadLimit - 1024) };
    const published = await hookline.client.events.publish.mutate({
      appId,
      type: 'order.created',
      version: '1.0',
      data,
    });
    expect(published.id).toMatch(/^evt_/);
  });
});

/** Points the app's only enabled endpoint at `url`, publishes, and returns the recorded attempt once failed or delivered. */
async function attemptAgainst(url: string) {
  const endpoint = await hookline.client.endpoints.create.mutate({ appId, url });
  await hookline.sql`update endpoints set enabled = (id = ${endpoint.id}) where app_id = ${appId}`;
  const published = await hookline.client.events.publish.mutate({
    appId,
    type: 'order.created',
    version: '1.0',
    data: orderCreatedV1,
  });
  const deliveryId = published.deliveries[0]!.id;
  await expect
    .poll(async () => (await hookline.client.deliveries.get.query({ deliveryId })).status, { timeout: 10_000 })
    .not.toBe('pending');
  return (await hookline.client.deliveries.get.query({ deliveryId })).attempts[0]!;
}

describe('outbound requests', () => {
  it('keeps only the first bytes of a response that never ends, then drops the connection', async () => {
    const attempt = await attemptAgainst(hostile.url('/endless'));
    expect(attempt).toMatchObject({ responseStatus: 200, error: null });
    expect(attempt.responseBody).toHaveLength(responseBodyLimitBytes);
    // The receiver's side of the socket closes: Hookline stopped reading, it did not drain the stream.
    await expect.poll(() => hostile.stats.endlessClosed, { timeout: 5_000 }).toBe(true);
    expect(hostile.stats.endlessBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up on a receiver that never answers after the request timeout', async () => {
    const attempt = await attemptAgainst(hostile.url('/hang'));
    expect(attempt.error).toBe(`timed out after ${requestTimeoutMs} ms`);
    expect(attempt.durationMs).toBeGreaterThanOrEqual(requestTimeoutMs - 20);
    expect(attempt.durationMs).toBeLessThan(requestTimeoutMs + 2_000);
  });

  it('gives up on a receiver that trickles its body: the timeout covers the whole request', async () => {
    const attempt = await attemptAgainst(hostile.url('/trickle'));
    expect(attempt.error).toBe(`timed out after ${requestTimeoutMs} ms`);
    expect(attempt.durationMs).toBeLessThan(requestTimeoutMs + 2_000);
  });
});
