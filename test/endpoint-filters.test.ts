import { eventCatalog } from '@hookline/schema';
import { TRPCClientError } from '@trpc/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { orderCreatedV1 } from './support/fixtures';
import { useHooklineAndReceiver, type TestHookline } from './support/hookline';

const env = useHooklineAndReceiver();
let hookline: TestHookline;

beforeAll(() => {
  hookline = env.hookline;
});

// The example of docs/api.md: shipped or delivered orders of 100 or more.
const bigShippedOrders = { 'data.status': { $in: ['shipped', 'delivered'] }, 'data.amount': { $gte: 100 } };

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const e = error as TRPCClientError<never>;
  return { status: (e.data as unknown as { httpStatus: number }).httpStatus, message: e.message };
}

async function deliveredEndpoints(eventId: string) {
  const rows = await hookline.sql<{ endpoint_id: string }[]>`
    select endpoint_id from deliveries where event_id = ${eventId} order by endpoint_id`;
  return rows.map((r) => r.endpoint_id);
}

const publishOrder = (appId: string, data: Partial<typeof orderCreatedV1>) =>
  hookline.client.events.publish.mutate({
    appId,
    type: 'order.created',
    version: '1.0',
    data: { ...orderCreatedV1, ...data },
  });

describe('payload filters at fan-out', () => {
  it('creates deliveries only for endpoints whose filter the event passes (filter set over REST)', async () => {
    const { id: appId } = await hookline.client.applications.create.mutate({ name: 'filters' });
    const created = await hookline.rest('POST', `/applications/${appId}/endpoints`, {
      url: env.receiver.url('/filtered'),
      eventTypes: ['order.*'],
      filter: bigShippedOrders,
    });
    expect(created.status).toBe(200);
    expect(created.body.filter).toEqual(bigShippedOrders);
    const filtered = created.body.id as string;
    const everything = (await hookline.client.endpoints.create.mutate({ appId, url: env.receiver.url('/all') })).id;

    const big = await publishOrder(appId, { status: 'shipped', amount: 150 });
    const small = await publishOrder(appId, { status: 'shipped', amount: 99.99 });
    const pending = await publishOrder(appId, { status: 'pending', amount: 500 });
    expect(await deliveredEndpoints(big.id)).toEqual([filtered, everything].sort());
    expect(await deliveredEndpoints(small.id)).toEqual([everything]);
    expect(await deliveredEndpoints(pending.id)).toEqual([everything]);
    // The answer to the publish names the deliveries it made, filtered ones left out.
    expect(small.deliveries.map((d) => d.endpointId)).toEqual([everything]);
    await expect
      .poll(() => env.receiver.requests.filter((r) => r.path === '/filtered').map((r) => JSON.parse(r.body).id))
      .toEqual([big.id]);

    // get and list show the filter; removing it (null) lets everything through again.
    expect((await hookline.client.endpoints.get.query({ endpointId: filtered })).filter).toEqual(bigShippedOrders);
    await hookline.client.endpoints.update.mutate({ endpointId: filtered, filter: null });
    const after = await publishOrder(appId, { status: 'pending', amount: 1 });
    expect(await deliveredEndpoints(after.id)).toEqual([filtered, everything].sort());
  });

  it('tests the envelope an endpoint with a version pin receives, after conversion', async () => {
    const { id: appId } = await hookline.client.applications.create.mutate({ name: 'pinned filters' });
    // Pinned to 1.0, whose total is `amount`; 2.0 publishes it as `total.value`.
    const pinned = await hookline.client.endpoints.create.mutate({
      appId,
      url: env.receiver.url('/pinned'),
      eventTypes: ['order.created'],
      versionPins: { 'order.created': '1.0' },
      filter: { version: '1.0', 'data.amount': { $gte: 100 }, 'data.items.0.productId': 'prod_1' },
    });
    const v2 = eventCatalog['order.created']['2.0'].example;
    const publishV2 = (value: number) =>
      hookline.client.events.publish.mutate({
        appId,
        type: 'order.created',
        version: '2.0',
        data: { ...v2, total: { ...v2.total, value }, items: [{ productId: 'prod_1', quantity: 1, price: value }] },
      });
    expect(await deliveredEndpoints((await publishV2(150)).id)).toEqual([pinned.id]);
    expect(await deliveredEndpoints((await publishV2(50)).id)).toEqual([]);
  });

  it('can test the envelope fields: event, version, id and timestamp', async () => {
    const { id: appId } = await hookline.client.applications.create.mutate({ name: 'envelope filters' });
    const endpoint = await hookline.client.endpoints.create.mutate({
      appId,
      url: env.receiver.url('/envelope'),
      filter: {
        $or: [
          { event: 'order.cancelled' },
          { $and: [{ timestamp: { $gte: '2020-01-01T00:00:00Z' } }, { id: { $exists: true } }] },
        ],
        $not: { version: '2.0' },
      },
    });
    expect(await deliveredEndpoints((await publishOrder(appId, {})).id)).toEqual([endpoint.id]);
    await hookline.client.endpoints.update.mutate({
      endpointId: endpoint.id,
      filter: { timestamp: { $lt: '2020-01-01T00:00:00Z' } },
    });
    expect(await deliveredEndpoints((await publishOrder(appId, {})).id)).toEqual([]);
  });
});

describe('payload filters are checked when saved', () => {
  let appId: string;
  beforeAll(async () => {
    appId = (await hookline.client.applications.create.mutate({ name: 'bad filters' })).id;
  });
  const create = (filter: unknown, extra: Record<string, unknown> = {}) =>
    refusal(
      hookline.client.endpoints.create.mutate({
        appId,
        url: 'https://example.com/hook',
        eventTypes: ['order.created'],
        filter: filter as Record<string, unknown>,
        ...extra,
      }),
    );

  it('names an unknown operator, a bad path, a type mismatch and a value outside an enum', async () => {
    expect(await create({ 'data.amount': { $gtx: 1 } })).toEqual({
      status: 400,
      message: expect.stringMatching(/^filter\.data\.amount\.\$gtx: unknown operator \$gtx/),
    });
    expect((await create({ 'data.items.0.sku': 'x' })).message).toBe(
      'filter.data.items.0.sku: bad path: no event this endpoint receives has data.items.0.sku (order.created 1.0, order.created 2.0)',
    );
    expect((await create({ 'data.amount': { $gte: '100' } })).message).toBe(
      'filter.data.amount.$gte: data.amount is a number, but $gte compares it with "100" in order.created 1.0',
    );
    expect((await create({ 'data.status': 'shiped' })).message).toMatch(
      /^filter\.data\.status\.\$eq: .*never "shiped"/,
    );
    expect((await create({ attempt: 1 })).message).toMatch(/filter\.attempt: bad path: is not a field of the envelope/);
    // With a pin, only that version counts: 2.0 has no amount.
    expect((await create({ 'data.amount': 1 }, { versionPins: { 'order.created': '2.0' } })).message).toMatch(
      /no event this endpoint receives has data.amount \(order.created 2.0\)/,
    );
    expect((await hookline.client.endpoints.list.query({ appId })).items).toEqual([]);
  });

  it('keeps to the limits', async () => {
    let deep: Record<string, unknown> = { 'data.amount': 1 };
    for (let i = 0; i < 6; i++) deep = { $not: deep };
    expect((await create(deep)).message).toMatch(/nest more than 6 deep/);
    expect((await create({ 'data.orderId': 'x'.repeat(5000) })).message).toMatch(/at most 4096 are allowed/);
    expect((await create({ 'data.orderId': { $in: Array.from({ length: 101 }, (_, i) => `o${i}`) } })).message).toMatch(
      /more than 100 values/,
    );
  });

  it('refuses over REST too, and rechecks a stored filter when the types or pins change', async () => {
    const refused = await hookline.rest('POST', `/applications/${appId}/endpoints`, {
      url: 'https://example.com/hook',
      filter: { $or: [{ 'data.amount': { $foo: 1 } }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^filter\.\$or\.0\.data\.amount\.\$foo: unknown operator/);

    const endpoint = await hookline.client.endpoints.create.mutate({
      appId,
      url: 'https://example.com/hook',
      eventTypes: ['order.created'],
      filter: { 'data.amount': { $gte: 100 } },
    });
    const changed = await hookline.rest('PATCH', `/endpoints/${endpoint.id}`, { eventTypes: ['customer.created'] });
    expect(changed.status).toBe(400);
    expect(changed.body.message).toMatch(
      /^filter\.data\.amount: bad path: no event this endpoint receives has data\.amount \(customer\.created 1\.0\)/,
    );
    // Nothing changed.
    expect((await hookline.client.endpoints.get.query({ endpointId: endpoint.id })).eventTypes).toEqual([
      'order.created',
    ]);
  });
});
