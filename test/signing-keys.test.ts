import { generateEncryptionKeyText, parseEncryptionKey } from '@hookline/signing-keys';
import { verifyWebhook } from '@hookline/verify';
import { type TRPCClientError } from '@trpc/client';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';
import { orderCreatedV1 } from './support/fixtures';

let hookline: TestHookline;
let receiver: TestReceiver;
let appId: string;

beforeAll(async () => {
  [hookline, receiver] = await Promise.all([startHookline(), startReceiver()]);
  appId = (await hookline.client.applications.create.mutate({ name: 'keys' })).id;
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

/** Publishes one event and returns the request the receiver got for `path`. */
async function deliverTo(path: string) {
  const published = await hookline.client.events.publish.mutate({
    appId,
    type: 'order.created',
    version: '1.0',
    data: orderCreatedV1,
  });
  await expect
    .poll(() => receiver.requests.some((r) => r.path === path && r.headers['webhook-id'] === published.id), {
      timeout: 10_000,
    })
    .toBe(true);
  const request = receiver.requests.find((r) => r.path === path && r.headers['webhook-id'] === published.id)!;
  return { ...request, headers: request.headers as Record<string, string> };
}

/** Each endpoint gets a path of its own, so events published for other tests do not mix in. */
async function newEndpoint(path: string, signing?: 'hmac' | 'ed25519') {
  const endpoint = await hookline.client.endpoints.create.mutate({ appId, url: receiver.url(path), signing });
  // Other endpoints of the app would get the events too; keep this one the only enabled endpoint.
  await hookline.sql`update endpoints set enabled = false where app_id = ${appId} and id <> ${endpoint.id}`;
  return endpoint;
}

const badRequest = (error: unknown) =>
  (error as TRPCClientError<never>).data as unknown as { httpStatus: number; code: string };

describe('endpoint signing keys', () => {
  it('stores secrets encrypted, never as plaintext', async () => {
    const endpoint = await newEndpoint('/at-rest');
    const [row] = await hookline.sql<
      { signing_keys: unknown }[]
    >`select signing_keys from endpoints where id = ${endpoint.id}`;
    const stored = JSON.stringify(row!.signing_keys);
    expect(stored).not.toContain('whsec_');
    expect(stored).not.toContain(endpoint.secret!.slice('whsec_'.length));
    expect(row!.signing_keys).toEqual([
      {
        signing: 'hmac',
        sealed: expect.stringMatching(new RegExp(`^v1:${hookline.encryptionKey.id}:`)),
        publicKey: null,
        createdAt: expect.any(String),
        expiresAt: null,
      },
    ]);
    const read = await hookline.client.endpoints.getSecret.query({ endpointId: endpoint.id });
    expect(read).toMatchObject({ endpointId: endpoint.id, signing: 'hmac', secret: endpoint.secret, publicKey: null });
    expect(read.keys).toHaveLength(1);
  });

  it('signs with the old and the new secret during the grace period, so either verifies', async () => {
    const endpoint = await newEndpoint('/rotate');
    const rotated = await hookline.client.endpoints.rotateSecret.mutate({
      endpointId: endpoint.id,
      graceSeconds: 3600,
    });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.keys.map((k) => k.secret)).toEqual([rotated.secret, endpoint.secret]);
    const graceEnd = Date.parse(rotated.keys[1]!.expiresAt!);
    expect(graceEnd - Date.now()).toBeGreaterThan(3590_000);
    expect(graceEnd - Date.now()).toBeLessThanOrEqual(3600_000);

    const request = await deliverTo('/rotate');
    expect(request.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    // A receiver that has not switched yet and one that has both accept it (standardwebhooks, not our code).
    for (const secret of [endpoint.secret!, rotated.secret!]) {
      expect(new Webhook(secret).verify(request.body, request.headers)).toMatchObject({ event: 'order.created' });
    }
  });

  it('retires the old secret at once with a grace of 0', async () => {
    const endpoint = await newEndpoint('/leaked');
    const rotated = await hookline.client.endpoints.rotateSecret.mutate({ endpointId: endpoint.id, graceSeconds: 0 });
    expect(rotated.keys).toHaveLength(1);
    const request = await deliverTo('/leaked');
    expect(request.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(endpoint.secret!).verify(request.body, request.headers)).toThrow();
    expect(new Webhook(rotated.secret!).verify(request.body, request.headers)).toBeTruthy();
  });

  it('defaults to a 24-hour grace and keeps at most 10 old secrets', async () => {
    const endpoint = await newEndpoint('/many');
    const first = await hookline.client.endpoints.rotateSecret.mutate({ endpointId: endpoint.id });
    const graceEnd = Date.parse(first.keys[1]!.expiresAt!);
    expect(Math.abs(graceEnd - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);
    let last = first;
    for (let i = 0; i < 11; i++)
      last = await hookline.client.endpoints.rotateSecret.mutate({ endpointId: endpoint.id });
    expect(last.keys).toHaveLength(11);
    expect(last.keys.map((k) => k.secret)).not.toContain(endpoint.secret);
  });

  it('refuses a grace period outside 0 to 7 days, naming the field', async () => {
    const endpoint = await newEndpoint('/grace');
    for (const graceSeconds of [7 * 24 * 3600 + 1, -1, 1.5]) {
      const error = await hookline.client.endpoints.rotateSecret
        .mutate({ endpointId: endpoint.id, graceSeconds })
        .catch((e: unknown) => e);
      expect(badRequest(error)).toMatchObject({ httpStatus: 400, code: 'validation' });
      expect((error as Error).message).toMatch(/graceSeconds/);
    }
    expect((await hookline.client.endpoints.getSecret.query({ endpointId: endpoint.id })).keys).toHaveLength(1);
  });

  it('signs ed25519 endpoints with v1a; receivers verify with the public key alone', async () => {
    const endpoint = await newEndpoint('/ed25519', 'ed25519');
    expect(endpoint).toMatchObject({ signing: 'ed25519', secret: null, publicKey: expect.stringMatching(/^whpk_/) });
    const read = await hookline.client.endpoints.getSecret.query({ endpointId: endpoint.id });
    expect(read).toMatchObject({ signing: 'ed25519', secret: null, publicKey: endpoint.publicKey });
    expect((await hookline.client.endpoints.get.query({ endpointId: endpoint.id })).publicKey).toBe(endpoint.publicKey);

    const request = await deliverTo('/ed25519');
    expect(request.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]+=*$/);
    expect(
      verifyWebhook({ publicKey: endpoint.publicKey!, headers: request.headers, body: request.body }),
    ).toMatchObject({ event: 'order.created' });

    // The private half never leaves Hookline, in any answer or at rest.
    expect(JSON.stringify([endpoint, read])).not.toContain('whsk_');
    const [row] = await hookline.sql<
      { signing_keys: unknown }[]
    >`select signing_keys from endpoints where id = ${endpoint.id}`;
    expect(JSON.stringify(row!.signing_keys)).not.toContain('whsk_');
  });

  it('switches an endpoint from hmac to ed25519 without a gap', async () => {
    const endpoint = await newEndpoint('/switch');
    const rotated = await hookline.client.endpoints.rotateSecret.mutate({
      endpointId: endpoint.id,
      signing: 'ed25519',
    });
    expect(rotated).toMatchObject({ signing: 'ed25519', secret: null, publicKey: expect.stringMatching(/^whpk_/) });
    expect(rotated.keys.map((k) => k.signing)).toEqual(['ed25519', 'hmac']);
    const request = await deliverTo('/switch');
    expect(request.headers['webhook-signature']).toMatch(/^v1a,\S+ v1,\S+$/);
    expect(new Webhook(endpoint.secret!).verify(request.body, request.headers)).toBeTruthy();
    expect(verifyWebhook({ publicKey: rotated.publicKey!, headers: request.headers, body: request.body })).toBeTruthy();
  });
});

describe('a worker with the wrong encryption key', () => {
  it('sends nothing unsigned and records why', async () => {
    const wrongKey = parseEncryptionKey(generateEncryptionKeyText());
    const other = await startHookline({ delivery: { encryptionKey: wrongKey } });
    try {
      const app = await other.client.applications.create.mutate({ name: 'wrong key' });
      await other.client.endpoints.create.mutate({ appId: app.id, url: receiver.url('/wrong-key') });
      const published = await other.client.events.publish.mutate({
        appId: app.id,
        type: 'order.created',
        version: '1.0',
        data: orderCreatedV1,
      });
      const deliveryId = published.deliveries[0]!.id;
      await expect
        .poll(async () => (await other.client.deliveries.get.query({ deliveryId })).attempts.length, {
          timeout: 10_000,
        })
        .toBeGreaterThan(0);
      const { attempts } = await other.client.deliveries.get.query({ deliveryId });
      expect(attempts[0]!.error).toBe(
        `cannot sign: the secrets of ${published.deliveries[0]!.endpointId} were encrypted with key ${other.encryptionKey.id}, ` +
          `but HOOKLINE_ENCRYPTION_KEY is key ${wrongKey.id}; start the API and the worker with the key they were written with`,
      );
      expect(receiver.requests.filter((r) => r.path === '/wrong-key')).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
