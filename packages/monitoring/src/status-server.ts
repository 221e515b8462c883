import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';
import type { Readiness } from './readiness';
import { serveStatus } from './status-routes';

export type StatusServer = { url: string; close: () => Promise<void> };

/**
 * A process's own small HTTP server for /health, /ready and /metrics, for processes that serve no
 * other HTTP (the delivery worker). Port 0 picks a free one (tests); `url` says which.
 */
export async function startStatusServer({
  host,
  port,
  metrics,
  readiness,
}: {
  host: string;
  port: number;
  metrics: Metrics;
  readiness: Readiness;
}): Promise<StatusServer> {
  const server = http.createServer((req, res) => {
    if (!serveStatus(req, res, { metrics, readiness })) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'not_found', message: 'this port serves /health, /ready and /metrics' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
