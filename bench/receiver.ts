/**
 * The loopback webhook receiver: a separate process so its CPU and event loop are not the sender's.
 * Forked by the harness (bench/lib/receiver-process.ts); talks to it over IPC only.
 *
 * Behaviour by the first segment of the URL path:
 *   /ok…   204
 *   /fail… 500
 *   /hang… never answers; the client's timeout ends it
 *   /slow… 204 after `?ms=` milliseconds (default 1000)
 *   other  404, so a typo in a scenario shows up as failures rather than successes
 *
 * It listens on one port at first; the harness may ask for more (`open-origin`), which behave the
 * same and share the counts, so an endpoint can have an origin (and a sender's pool) of its own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ChildMessage, ParentMessage, ReceiverSummary } from './lib/receiver-protocol';

const send = (message: ChildMessage) => process.send?.(message);
const now = () => performance.timeOrigin + performance.now();

if (!process.send) {
  console.error('bench/receiver.ts must be started by the harness (child_process.fork)');
  process.exit(1);
}

let count = 0;
let bytes = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;
let byPath = new Map<string, number>();
let sentAt: number[] = [];
let receivedAt: number[] = [];
/** Set by a reset that asks for it: every `webhook-id` and its receive time. */
let recordWebhookIds = false;
let webhookIds: string[] = [];
let webhookReceivedAt: number[] = [];
/** `wait-for-count` requests not yet satisfied. */
let waiters: { id: number; count: number }[] = [];

function answer(path: string, search: string, res: ServerResponse): void {
  const mode = path.split('/', 2)[1];
  switch (mode) {
    case 'ok':
      res.writeHead(204).end();
      return;
    case 'fail':
      res.writeHead(500, { 'content-type': 'text/plain' }).end('bench receiver: fail');
      return;
    case 'hang':
      // Held open on purpose: the sender's timeout (or our shutdown) ends it.
      return;
    case 'slow': {
      const ms = Number(new URLSearchParams(search).get('ms') ?? 1000);
      setTimeout(() => res.writeHead(204).end(), Number.isFinite(ms) ? ms : 1000);
      return;
    }
    default:
      res.writeHead(404, { 'content-type': 'text/plain' }).end('bench receiver: unknown mode');
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const search = queryAt === -1 ? '' : url.slice(queryAt);
  // The body is read to the end before answering, as a real receiver verifying a signature must.
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    const at = now();
    count += 1;
    firstAt ??= at;
    lastAt = at;
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    const sentHeader = req.headers['x-bench-sent-at'];
    if (typeof sentHeader === 'string') {
      const sent = Number(sentHeader);
      if (Number.isFinite(sent)) {
        sentAt.push(sent);
        receivedAt.push(at);
      }
    }
    if (recordWebhookIds) {
      const webhookId = req.headers['webhook-id'];
      if (typeof webhookId === 'string') {
        webhookIds.push(webhookId);
        webhookReceivedAt.push(at);
      }
    }
    answer(path, search, res);
    if (waiters.length > 0) releaseWaiters();
  });
}

function newServer(): Server {
  const server = createServer(handle);
  // Keep idle connections open across pauses between scenarios; the sender's pool reuses them.
  server.keepAliveTimeout = 60_000;
  // No server-side limit on a request's duration: /hang must last until the client gives up.
  server.requestTimeout = 0;
  return server;
}

/** Listens on a free loopback port and resolves with it. */
function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('receiver: no TCP address'));
      resolve(address.port);
    });
  });
}

const server = newServer();
/** Ports opened on request (`open-origin`), closed only at shutdown. */
const extraServers: Server[] = [];

function releaseWaiters(): void {
  const stillWaiting: typeof waiters = [];
  for (const waiter of waiters) {
    if (count >= waiter.count) send({ type: 'done', id: waiter.id });
    else stillWaiting.push(waiter);
  }
  waiters = stillWaiting;
}

function summary(withTimings: boolean): ReceiverSummary {
  return {
    count,
    byPath: Object.fromEntries(byPath),
    bytes,
    firstAt,
    lastAt,
    ...(withTimings ? { timings: { sentAt, receivedAt } } : {}),
    ...(withTimings && recordWebhookIds ? { webhookIds: { ids: webhookIds, receivedAt: webhookReceivedAt } } : {}),
  };
}

function reset(recordIds: boolean): void {
  recordWebhookIds = recordIds;
  webhookIds = [];
  webhookReceivedAt = [];
  count = 0;
  bytes = 0;
  firstAt = null;
  lastAt = null;
  byPath = new Map();
  sentAt = [];
  receivedAt = [];
}

/** Nothing here is worth flushing, so leaving is immediate; /hang and /slow responses just drop. */
function shutdown(): never {
  server.closeAllConnections();
  for (const extra of extraServers) extra.closeAllConnections();
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'summary':
      send({ type: 'summary', id: message.id, summary: summary(message.timings) });
      break;
    case 'reset':
      reset(message.recordWebhookIds);
      send({ type: 'done', id: message.id });
      break;
    case 'open-origin': {
      const extra = newServer();
      extraServers.push(extra);
      listen(extra).then(
        (port) => send({ type: 'origin', id: message.id, port }),
        (error: unknown) => {
          console.error(`receiver: could not open another port: ${String(error)}`);
          shutdown();
        },
      );
      break;
    }
    case 'wait-for-count':
      waiters.push({ id: message.id, count: message.count });
      releaseWaiters();
      break;
    case 'shutdown':
      shutdown();
      break;
  }
});
// The harness died or let go of us: never outlive it.
process.on('disconnect', shutdown);

listen(server).then(
  (port) => send({ type: 'ready', port }),
  (error: unknown) => {
    throw error;
  },
);
