import { TRPCClientError } from '@trpc/client';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { orderCreatedV1 } from './support/fixtures';
import { useHooklineAndReceiver, type TestHookline } from './support/hookline';

const env = useHooklineAndReceiver();
let hookline: TestHookline;
let appId: string;

beforeAll(async () => {
  hookline = env.hookline;
  appId = (await hookline.client.applications.create.mutate({ name: 'headers' })).id;
});

/** Publishes one event for the app and returns what `path` received for it. */
async function deliverTo(path: string) {
  const event = await hookline.client.events.publish.mutate({
    appId,
    type: 'order.created',
    version: '1.0',
    data: orderCreatedV1,
  });
  const find = () => env.receiver.requests.find((r) => r.path === path && r.headers['webhook-id'] === event.id);
  await expect.poll(() => find() !== undefined, { timeout: 10_000 }).toBe(true);
  return find()!;
}

describe('custom headers', () => {
  it('are sent with every request, shown once, masked after, encrypted at rest; the signature still verifies', async () => {
    const created = await hookline.client.endpoints.create.mutate({
      appId,
      url: env.receiver.url('/with-headers'),
      headers: { Authorization: 'Bearer rk_live_s3cret', 'X-Tenant': 'acme eu' },
    });
    // Shown once, names in lower case.
    expect(created.headers).toEqual({ authorization: 'Bearer rk_live_s3cret', 'x-tenant': 'acme eu' });
    expect((await hookline.client.endpoints.get.query({ endpointId: created.id })).headers).toEqual({
      authorization: '********',
      'x-tenant': '********',
    });
    const listed = (await hookline.client.endpoints.list.query({ appId })).items.find((e) => e.id === created.id);
    expect(listed?.headers).toEqual({ authorization: '********', 'x-tenant': '********' });
    const [row] = await hookline.sql<{ headers: unknown }[]>`select headers from endpoints where id = ${created.id}`;
    expect(JSON.stringify(row!.headers)).not.toContain('s3cret');
    expect(JSON.stringify(row!.headers)).not.toContain('acme');

    const request = await deliverTo('/with-headers');
    expect(request.headers.authorization).toBe('Bearer rk_live_s3cret');
    expect(request.headers['x-tenant']).toBe('acme eu');
    const verified = new Webhook(created.secret!).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toMatchObject({ id: request.headers['webhook-id'], event: 'order.created' });
  });

  it('are replaced over REST (shown in that answer only) and removed with null', async () => {
    const created = await hookline.client.endpoints.create.mutate({
      appId,
      url: env.receiver.url('/rest-headers'),
      headers: { 'x-old': 'gone soon' },
    });
    const updated = await hookline.rest('PATCH', `/endpoints/${created.id}`, { headers: { 'X-Api-Key': 'k-123' } });
    expect(updated.status).toBe(200);
    expect(updated.body.headers).toEqual({ 'x-api-key': 'k-123' });
    // An update that does not set them shows them masked.
    const other = await hookline.rest('PATCH', `/endpoints/${created.id}`, { description: 'renamed' });
    expect(other.body.headers).toEqual({ 'x-api-key': '********' });
    expect((await hookline.rest('GET', `/endpoints/${created.id}`)).body.headers).toEqual({ 'x-api-key': '********' });

    const request = await deliverTo('/rest-headers');
    expect(request.headers['x-api-key']).toBe('k-123');
    expect(request.headers['x-old']).toBeUndefined();
    expect(new Webhook(created.secret!).verify(request.body, request.headers as Record<string, string>)).toBeTruthy();

    await hookline.client.endpoints.update.mutate({ endpointId: created.id, headers: null });
    expect((await hookline.client.endpoints.get.query({ endpointId: created.id })).headers).toEqual({});
    expect((await deliverTo('/rest-headers')).headers['x-api-key']).toBeUndefined();
  });

  it('refuse reserved names, invalid names and values, and too many or too large, naming each; nothing changes', async () => {
    const endpoint = await hookline.client.endpoints.create.mutate({
      appId,
      url: 'https://example.com/hook',
      headers: { 'x-keep': 'kept' },
    });
    const refusals: [Record<string, string>, string][] = [
      [{ 'Webhook-Signature': 'v1,forged' }, 'headers.Webhook-Signature: webhook-* headers carry the signature'],
      [{ Host: 'internal.example' }, 'headers.Host: host is set by Hookline or by the HTTP connection'],
      [{ 'content-type': 'text/plain' }, 'headers.content-type: content-type is set by Hookline'],
      [{ 'transfer-encoding': 'chunked' }, 'headers.transfer-encoding: transfer-encoding is set'],
      [{ 'Proxy-Authorization': 'x' }, 'headers.Proxy-Authorization: proxy-* headers are for proxies'],
      [{ 'x bad': 'v' }, 'headers.x bad: is not a valid header name'],
      [{ 'x-inject': 'a\r\nx-evil: 1' }, 'headers.x-inject: has a character a header value cannot carry'],
      [{ 'x-a': '1', 'X-A': '2' }, 'headers.X-A: is named twice'],
      [{ 'x-masked': '********' }, 'headers.x-masked: is the mask endpoints.get shows'],
      [
        Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v'])),
        'headers: at most 20 headers; got 21',
      ],
      [{ 'x-big': 'v'.repeat(4095) }, 'headers: names and values come to 4100 bytes; at most 4096 are allowed'],
    ];
    for (const [headers, message] of refusals) {
      const error = await hookline.client.endpoints.update.mutate({ endpointId: endpoint.id, headers }).then(
        () => null,
        (e: unknown) => e as TRPCClientError<never>,
      );
      expect(error, JSON.stringify(headers)).toBeInstanceOf(TRPCClientError);
      expect((error!.data as unknown as { httpStatus: number }).httpStatus).toBe(400);
      expect(error!.message).toContain(message);
      const overRest = await hookline.rest('PATCH', `/endpoints/${endpoint.id}`, { headers });
      expect(overRest.status).toBe(400);
      expect(overRest.body.message).toContain(message);
    }
    const [row] = await hookline.sql<
      { headers: { name: string }[] }[]
    >`select headers from endpoints where id = ${endpoint.id}`;
    expect(row!.headers.map((h) => h.name)).toEqual(['x-keep']);
  });
});
