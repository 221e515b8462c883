import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The drills' webhook receiver, in the drill's own process: it counts each event it accepted by
 * its `webhook-id` (the event id, the same on every attempt), so a drill can say which events were
 * lost and which arrived twice. `failRatio` answers that share of requests with a 500, at random.
 */
export async function startDrillReceiver() {
  const accepted = new Map<string, number>();
  let failRatio = 0;
  let requests = 0;
  let failed = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      if (Math.random() < failRatio) {
        failed++;
        res.writeHead(500).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    setFailRatio: (ratio: number) => void (failRatio = ratio),
    /** Starts counting afresh. */
    reset: () => {
      accepted.clear();
      requests = failed = 0;
    },
    /** How many of `expected` event ids were accepted, how many never were, how many more than once. */
    tally: (expected: Iterable<string>) => {
      let received = 0;
      let lost = 0;
      let duplicates = 0;
      for (const id of expected) {
        const n = accepted.get(id) ?? 0;
        if (n === 0) lost++;
        else received++;
        if (n > 1) duplicates += n - 1;
      }
      return { received, lost, duplicates, requests, failedOnPurpose: failed };
    },
    accepted: (ids: Iterable<string>) => [...ids].every((id) => accepted.has(id)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
