import { eventCatalog } from './catalog';
import { OrderCreatedV1, OrderCreatedV2 } from './events/order';
import { describe, expect, it } from 'vitest';
import { payloadForEndpoint } from './payload-for-endpoint';

const orderV1 = { type: 'order.created', version: '1.0', data: eventCatalog['order.created']['1.0'].example };
const orderV2 = { type: 'order.created', version: '2.0', data: eventCatalog['order.created']['2.0'].example };
const paymentV1 = { type: 'payment.succeeded', version: '1.0', data: eventCatalog['payment.succeeded']['1.0'].example };

describe('payloadForEndpoint', () => {
  it('sends the published version untouched when the type is not pinned, or pinned to that version', () => {
    const pinSets: Record<string, string>[] = [{}, { 'payment.succeeded': '1.1' }, { 'order.created': '2.0' }];
    for (const pins of pinSets) {
      const payload = payloadForEndpoint(orderV2, pins);
      expect(payload).toEqual({ ok: true, version: '2.0', data: orderV2.data });
      // Not a validated copy: the stored data goes out byte for byte as it was published.
      expect(payload.ok && payload.data).toBe(orderV2.data);
    }
  });

  it('converts down to a pinned older version, producing valid data of that version', () => {
    const payload = payloadForEndpoint(orderV2, { 'order.created': '1.0' });
    expect(payload).toEqual({ ok: true, version: '1.0', data: orderV1.data });
    expect(OrderCreatedV1.safeParse(payload.ok && payload.data).success).toBe(true);
  });

  it('converts up to a pinned newer version where the upgrade is lossless', () => {
    const payload = payloadForEndpoint(orderV1, { 'order.created': '2.0' });
    expect(payload).toEqual({ ok: true, version: '2.0', data: orderV2.data });
    expect(OrderCreatedV2.safeParse(payload.ok && payload.data).success).toBe(true);
  });

  it('fails with a reason an operator can act on when the pinned version cannot be reached', () => {
    expect(payloadForEndpoint(paymentV1, { 'payment.succeeded': '1.1' })).toEqual({
      ok: false,
      error:
        'cannot deliver payment.succeeded 1.0 to this endpoint, pinned to 1.1: cannot convert payment.succeeded ' +
        '1.0 to 1.1: 1.1 registers no fromPrevious, because upgrading from 1.0 would have to invent data. ' +
        "Change the endpoint's pin, or publish a version that converts to 1.1; retrying cannot help",
    });
  });

  it('fails, rather than sending, when stored data does not match its own version', () => {
    const broken = { ...orderV2, data: { ...orderV2.data, total: 'lots' } };
    expect(payloadForEndpoint(broken, { 'order.created': '1.0' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('data is not valid order.created 2.0: data.total'),
    });
  });
});
