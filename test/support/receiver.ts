import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'vitest';

export type ReceivedRequest = { path: string; headers: http.IncomingHttpHeaders; body: string; receivedAt: number };

/**
 * When a request arrived, in epoch milliseconds that only move forward: tests measure windows and gaps
 * between requests, and a wall clock stepped by the machine's time sync (seen on CI: 8.9 s "elapsed"
 * during a 1.1 s test) would make them fail or pass for no reason.
 */
const wallClockMs = () => performance.timeOrigin + performance.now();

/** What the receiver does with one request. */
export type Behaviour =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { reset: true };

/**
 * A real HTTP receiver on 127.0.0.1:0 (after Svix's TestReceiver): records every request and
 * answers as told: a status, a hang until the client gives up, or a connection reset.
 * `script` answers the first requests in order; after it runs out, `respond`'s answer (a function of the
 * request, when set and it answers), then the behaviour `route` set for the request's path, else `fallback`.
 */
export async function startReceiver({ fallback = { status: 204 } as Behaviour, delayMs = 0 } = {}) {
  const requests: ReceivedRequest[] = [];
  const script: Behaviour[] = [];
  const routes = new Map<string, Behaviour>();
  let responder: ((request: ReceivedRequest) => Behaviour | undefined) | null = null;
  let defaultBehaviour = fallback;
  const sockets = new Set<Socket>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt: wallClockMs(),
    };
    requests.push(request);
    const behaviour = script.shift() ?? responder?.(request) ?? routes.get(req.url ?? '/') ?? defaultBehaviour;
    // A slow receiver: the answer (not the recording above) waits.
    const wait = ('delayMs' in behaviour ? behaviour.delayMs : undefined) ?? delayMs;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if ('hang' in behaviour) return;
    if ('reset' in behaviour) {
      req.socket.destroy();
      return;
    }
    res.writeHead(behaviour.status, behaviour.headers).end(behaviour.body ?? '');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path = '/webhook') => `http://127.0.0.1:${port}${path}`,
    requests,
    /** Answers the next requests with these behaviours, in order. */
    script: (...behaviours: Behaviour[]) => void script.push(...behaviours),
    setFallback: (behaviour: Behaviour) => void (defaultBehaviour = behaviour),
    /** Decides each request's answer from the request itself (undefined: the route or fallback answers). */
    respond: (decide: ((request: ReceivedRequest) => Behaviour | undefined) | null) => void (responder = decide),
    /** Answers every request to `path` this way (after any script), until routed again. */
    route: (path: string, behaviour: Behaviour) => void routes.set(path, behaviour),
    /** The requests received on one path. */
    on: (path: string) => requests.filter((r) => r.path === path),
    /** Waits (bounded) until at least `count` requests arrived. */
    waitForRequests: async (count: number, timeout = 15_000) => {
      await expect.poll(() => requests.length, { timeout, interval: 20 }).toBeGreaterThanOrEqual(count);
      return requests;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestReceiver = Awaited<ReturnType<typeof startReceiver>>;

/** The largest number of requests that arrived within any 1 s window of the receiver's clock. */
export function busiestSecond(requests: ReceivedRequest[]) {
  const times = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1_000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
