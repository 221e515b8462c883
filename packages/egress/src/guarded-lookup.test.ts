import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressPolicy, loopbackCidrs } from './egress-policy';
import { EgressBlockedError } from './errors';
import { createGuardedLookup } from './guarded-lookup';
import type { ResolveHost } from './resolve-host';

let server: net.Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = net.createServer((socket) => {
    connections++;
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Connects to `hostname` through the guarded lookup; resolves with the peer address or rejects. */
function connect(hostname: string, lookup: net.LookupFunction) {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect({ host: hostname, port, lookup });
    socket.once('connect', () => {
      resolve(socket.remoteAddress!);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('createGuardedLookup', () => {
  // Each call answers the next address: the first for a check, the second for the connect (DNS rebinding).
  const answers = (...addresses: string[]): ResolveHost => {
    let i = 0;
    return async () => [{ address: addresses[Math.min(i++, addresses.length - 1)]!, family: 4 }];
  };

  it('connects to the address it checked, one resolution per connection', async () => {
    const lookup = createGuardedLookup(
      createEgressPolicy({ allowedCidrs: loopbackCidrs }),
      answers('127.0.0.1', '10.9.9.9'),
    );
    expect(await connect('receiver.test', lookup)).toBe('127.0.0.1');
  });

  it('fails the connection with EgressBlockedError before any packet when an address is refused', async () => {
    const before = connections;
    const lookup = createGuardedLookup(createEgressPolicy(), answers('127.0.0.1'));
    const error = await connect('rebound.test', lookup).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EgressBlockedError);
    expect(error).toMatchObject({
      code: 'HOOKLINE_EGRESS_BLOCKED',
      hostname: 'rebound.test',
      address: '127.0.0.1',
      category: 'loopback',
    });
    expect((error as Error).message).toMatch(/^rebound\.test resolves to 127\.0\.0\.1, which is a loopback address/);
    expect(connections).toBe(before);
  });

  it('refuses a name with one public and one private address', async () => {
    const mixed: ResolveHost = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const error = await connect('mixed.test', createGuardedLookup(createEgressPolicy(), mixed)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EgressBlockedError);
  });

  it('passes resolver failures through as they are', async () => {
    const failing: ResolveHost = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' }));
    const error = await connect('nowhere.test', createGuardedLookup(createEgressPolicy(), failing)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });
});
