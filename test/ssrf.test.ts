import type { ResolveHost } from '@hookline/egress';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';
import { orderCreatedV1 } from './support/fixtures';

/** A DNS of our own: names map to the addresses a test needs; anything else does not exist. */
function fakeDns(names: Record<string, string[]>): ResolveHost & { lookups: string[] } {
  const lookups: string[] = [];
  const resolve = async (hostname: string) => {
    lookups.push(hostname);
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolve, { lookups });
}

const publicAddress = '93.184.216.34';
// What the API sees when it checks a URL...
const apiDns = fakeDns({
  'public.example': [publicAddress],
  'internal.example': ['10.0.0.7'],
  'mixed.example': [publicAddress, '192.168.0.1'],
  'metadata.example': ['169.254.169.254'],
  localhost: ['127.0.0.1', '::1'],
  'rebind.example': [publicAddress],
});
// ...and what the worker sees when it connects: rebind.example now points at the receiver's loopback.
const workerDns = fakeDns({ 'rebind.example': ['127.0.0.1'], 'receiver.example': ['127.0.0.1'] });

let production: TestHookline;
let receiver: TestReceiver;
let appId: string;

beforeAll(async () => {
  // Production settings: nothing allow-listed, in the API and in the worker. No retries: one attempt says it all.
  [production, receiver] = await Promise.all([
    startHookline({
      api: { allowedCidrs: [], resolveHost: apiDns },
      delivery: { allowedCidrs: [], resolveHost: workerDns, retrySchedule: [] },
    }),
    startReceiver(),
  ]);
  appId = (await production.client.applications.create.mutate({ name: 'ssrf' })).id;
});
afterAll(async () => {
  await production?.stop();
  await receiver?.close();
});

const endpointCount = async () =>
  (await production.sql<{ n: number }[]>`select count(*)::int as n from endpoints`)[0]!.n;

// Each URL an attacker might register, and what the 400 must say about it.
const refused: [url: string, reason: RegExp][] = [
  ['http://127.0.0.1:8080/', /127\.0\.0\.1 is a loopback address/],
  ['http://localhost/admin', /localhost resolves to 127\.0\.0\.1, which is a loopback address/],
  ['http://[::1]/', /\[::1\] is a loopback address/],
  ['http://2130706433/', /127\.0\.0\.1 is a loopback address/], // decimal spelling
  ['http://0x7f.0.0.1/', /127\.0\.0\.1 is a loopback address/], // hex spelling
  ['http://127.1/', /127\.0\.0\.1 is a loopback address/], // short spelling
  ['http://0.0.0.0:5432/', /unspecified/],
  ['http://10.0.0.1/', /private-network/],
  ['http://172.16.5.5/', /private-network/],
  ['http://192.168.1.1/', /private-network/],
  ['http://169.254.169.254/latest/meta-data/iam/', /cloud instance-metadata/],
  ['http://[::ffff:169.254.169.254]/', /carries 169\.254\.169\.254\) is the cloud instance-metadata address/],
  ['http://[::ffff:10.0.0.1]/', /carries 10\.0\.0\.1\) is a private-network address/],
  ['http://169.254.10.10/', /link-local/],
  ['http://[fe80::1]/', /link-local/],
  ['http://100.64.0.1/', /carrier-grade NAT/],
  ['http://224.0.0.251/', /multicast/],
  ['http://[fd00:ec2::254]/', /unique-local/],
  ['http://internal.example/', /internal\.example resolves to 10\.0\.0\.7, which is a private-network address/],
  ['http://mixed.example/', /mixed\.example resolves to 192\.168\.0\.1/],
  ['http://metadata.example/', /cloud instance-metadata/],
  ['ftp://public.example/', /must be an http: or https: URL, not ftp:/],
  ['file:///etc/passwd', /must be an http: or https: URL, not file:/],
  ['gopher://127.0.0.1:6379/_FLUSHALL', /not gopher:/],
  ['https://user:secret@public.example/', /must not contain credentials/],
];

function expectUrlRefusal(error: unknown, reason: RegExp) {
  expect(error).toBeInstanceOf(TRPCClientError);
  const { data, message } = error as TRPCClientError<never>;
  expect(data).toMatchObject({
    httpStatus: 400,
    code: 'validation',
    issues: [{ path: ['url'], message: expect.any(String) }],
  });
  expect(message).toMatch(/^url: /);
  expect(message).toMatch(reason);
}

describe('endpoint URLs under production settings', () => {
  it.each(refused)('refuses %s at create, naming the reason, and stores nothing', async (url, reason) => {
    const before = await endpointCount();
    const error = await production.client.endpoints.create.mutate({ appId, url }).catch((e: unknown) => e);
    expectUrlRefusal(error, reason);
    expect(await endpointCount()).toBe(before);
  });

  it('refuses every one of them at update too, and leaves the endpoint as it was', async () => {
    const endpoint = await production.client.endpoints.create.mutate({ appId, url: 'https://public.example/hooks' });
    for (const [url, reason] of refused) {
      const error = await production.client.endpoints.update
        .mutate({ endpointId: endpoint.id, url })
        .catch((e: unknown) => e);
      expectUrlRefusal(error, reason);
    }
    expect((await production.client.endpoints.get.query({ endpointId: endpoint.id })).url).toBe(
      'https://public.example/hooks',
    );
  });

  it('accepts a public host, and a name that does not resolve yet (delivery checks it again)', async () => {
    expect((await production.client.endpoints.create.mutate({ appId, url: 'https://public.example/ok' })).url).toBe(
      'https://public.example/ok',
    );
    expect((await production.client.endpoints.create.mutate({ appId, url: 'https://not-yet.example/' })).url).toBe(
      'https://not-yet.example/',
    );
  });
});

/** Publishes to `endpointId` only and waits until its delivery has failed for good. */
async function deliverAndFail(endpointId: string) {
  await production.sql`update endpoints set enabled = (id = ${endpointId}) where app_id = ${appId}`;
  const published = await production.client.events.publish.mutate({
    appId,
    type: 'order.created',
    version: '1.0',
    data: orderCreatedV1,
  });
  const deliveryId = published.deliveries[0]!.id;
  await expect
    .poll(async () => (await production.client.deliveries.get.query({ deliveryId })).status, { timeout: 10_000 })
    .toBe('failed');
  return production.client.deliveries.get.query({ deliveryId });
}

describe('delivery under production settings', () => {
  it('refuses a loopback address at delivery time: a recorded error, no request made', async () => {
    // An endpoint stored before the rules were tightened (or written behind the API's back).
    const endpoint = await production.client.endpoints.create.mutate({
      appId,
      url: 'https://public.example/later-private',
    });
    await production.sql`update endpoints set url = ${receiver.url('/stored-loopback')} where id = ${endpoint.id}`;

    const delivery = await deliverAndFail(endpoint.id);
    expect(delivery.attempts.length).toBe(1); // no retries in this file's schedule, to keep it fast
    for (const attempt of delivery.attempts) {
      expect(attempt).toMatchObject({ responseStatus: null, responseBody: null });
      expect(attempt.error).toMatch(/^blocked: 127\.0\.0\.1 is a loopback address; .*HOOKLINE_ALLOWED_CIDRS/);
    }
    expect(receiver.requests.filter((r) => r.path === '/stored-loopback')).toEqual([]);
  });

  it('refuses a name that pointed somewhere public when checked and at loopback when connecting (DNS rebinding)', async () => {
    const port = new URL(receiver.url()).port;
    const endpoint = await production.client.endpoints.create.mutate({
      appId,
      url: `http://rebind.example:${port}/rebind`,
    });
    expect(apiDns.lookups).toContain('rebind.example');

    const delivery = await deliverAndFail(endpoint.id);
    expect(delivery.attempts[0]!.error).toMatch(
      /^blocked: rebind\.example resolves to 127\.0\.0\.1, which is a loopback address/,
    );
    expect(workerDns.lookups).toContain('rebind.example');
    expect(receiver.requests.filter((r) => r.path === '/rebind')).toEqual([]);
  });

  it('refuses a URL with credentials stored behind the API', async () => {
    const endpoint = await production.client.endpoints.create.mutate({ appId, url: 'https://public.example/creds' });
    await production.sql`update endpoints set url = ${receiver.url('/creds').replace('http://', 'http://user:pw@')} where id = ${endpoint.id}`;
    const delivery = await deliverAndFail(endpoint.id);
    expect(delivery.attempts[0]!.error).toMatch(/^blocked: the endpoint URL must not contain credentials/);
    expect(receiver.requests.filter((r) => r.path === '/creds')).toEqual([]);
  });
});

describe('delivery with loopback allow-listed', () => {
  it('connects to the address its checked lookup returned, keeping the name in the Host header', async () => {
    const dns = fakeDns({ 'receiver.example': ['127.0.0.1'] });
    const hookline = await startHookline({ delivery: { resolveHost: dns } });
    try {
      const app = await hookline.client.applications.create.mutate({ name: 'allow-listed' });
      const port = new URL(receiver.url()).port;
      // The API's own (system) resolver does not know the name: accepted, to be checked at delivery.
      await hookline.client.endpoints.create.mutate({ appId: app.id, url: `http://receiver.example:${port}/by-name` });
      await hookline.client.events.publish.mutate({
        appId: app.id,
        type: 'order.created',
        version: '1.0',
        data: orderCreatedV1,
      });
      await expect
        .poll(() => receiver.requests.filter((r) => r.path === '/by-name').length, { timeout: 10_000 })
        .toBe(1);
      expect(receiver.requests.find((r) => r.path === '/by-name')!.headers.host).toBe(`receiver.example:${port}`);
      expect(dns.lookups).toEqual(['receiver.example']);
    } finally {
      await hookline.stop();
    }
  });
});
