import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL, to stage an outage without stopping a server other tests share:
 * `down()` cuts every connection through it and refuses new ones (ECONNREFUSED, as from a stopped
 * server); `up()` accepts again on the same port. `url` is the database URL pointed at the proxy.
 * `cutAfterCommit()` stages the one failure whose outcome nobody can know: the next COMMIT reaches
 * the server, and the connection is gone before its answer comes back.
 */
export async function startTcpProxy(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let onCommit: (() => void) | null = null;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (onCommit && sendsCommit(chunk)) {
        const cut = onCommit;
        onCommit = null;
        // The COMMIT goes out with a FIN behind it, so the server reads and applies it; the client
        // side is cut at once, so the driver never hears how it went.
        upstream.end(chunk);
        client.destroy();
        cut();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const down = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    url: url.toString(),
    /**
     * Resolves once the next COMMIT has been forwarded and its connection cut. postgres.js prepares
     * `commit` once per connection and afterwards names it only by a statement id, so call
     * `resetConnections()` first and let the pool reconnect: only a fresh connection shows the word.
     */
    cutAfterCommit: () => new Promise<void>((resolve) => (onCommit = resolve)),
    /** Cuts every connection through the proxy, leaving it accepting new ones. */
    resetConnections: () => {
      for (const s of sockets) s.destroy();
    },
    down,
    up: () => listen(port),
    close: async () => {
      if (server.listening) await down();
    },
  };
}

/** Whether a chunk from the driver carries a COMMIT statement's text (a Parse or Query message ends it with NUL). */
function sendsCommit(chunk: Buffer): boolean {
  return /commit\0/i.test(chunk.toString('latin1'));
}
