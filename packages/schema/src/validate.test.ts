import { describe, expect, it } from 'vitest';
import { eventCatalog, findEventVersion } from './catalog';
import { checkEventVersion, validateEventData } from './validate';

const orderV1 = eventCatalog['order.created']['1.0'].example;

describe('validateEventData', () => {
  it('accepts a valid payload and says whether its version is deprecated', () => {
    expect(validateEventData('order.created', '1.0', orderV1)).toEqual({ ok: true, data: orderV1, deprecated: false });
    const payment = eventCatalog['payment.succeeded']['1.0'].example;
    expect(validateEventData('payment.succeeded', '1.0', payment)).toMatchObject({ ok: true, deprecated: true });
    const paymentV1_1 = eventCatalog['payment.succeeded']['1.1'].example;
    expect(validateEventData('payment.succeeded', '1.1', paymentV1_1)).toMatchObject({ ok: true, deprecated: false });
  });

  it('names an unknown type at path type and lists the known types', () => {
    const result = validateEventData('order.create', '1.0', orderV1);
    expect(result).toEqual({
      ok: false,
      issues: [{ path: ['type'], message: expect.stringContaining('"order.create"') }],
    });
    const message = !result.ok ? result.issues[0]!.message : '';
    for (const type of Object.keys(eventCatalog)) expect(message).toContain(type);
  });

  it("names an unknown version at path version and lists the type's versions", () => {
    expect(validateEventData('order.created', '3.0', orderV1)).toEqual({
      ok: false,
      issues: [
        { path: ['version'], message: 'version: order.created has no version "3.0"; its versions are 1.0, 2.0' },
      ],
    });
  });

  it('does not mistake Object.prototype members for types or versions', () => {
    expect(validateEventData('constructor', '1.0', {})).toMatchObject({ ok: false, issues: [{ path: ['type'] }] });
    expect(validateEventData('order.created', 'toString', {})).toMatchObject({
      ok: false,
      issues: [{ path: ['version'] }],
    });
    expect(findEventVersion('__proto__', '1.0')).toBeUndefined();
  });

  it('prefixes issue paths with data and names the field in each message', () => {
    const result = validateEventData('order.created', '1.0', {
      ...orderV1,
      amount: -5,
      currency: 'usd',
      items: [{ productId: 'p', quantity: 0, price: 1 }],
    });
    expect(result.ok).toBe(false);
    const issues = !result.ok ? result.issues : [];
    expect(issues.map((issue) => issue.path)).toEqual([
      ['data', 'amount'],
      ['data', 'currency'],
      ['data', 'items', 0, 'quantity'],
    ]);
    expect(issues[0]!.message).toMatch(/^data\.amount: /);
    expect(issues[1]!.message).toBe(
      'data.currency: expected a 3-letter ISO 4217 currency code in upper case, such as USD',
    );
    expect(issues[2]!.message).toMatch(/^data\.items\[0\]\.quantity: /);
  });

  it("rejects 2.0's shape under 1.0, naming the missing and the unexpected fields", () => {
    const result = validateEventData('order.created', '1.0', eventCatalog['order.created']['2.0'].example);
    const messages = !result.ok ? result.issues.map((issue) => issue.message) : [];
    expect(messages).toEqual([
      expect.stringMatching(/^data\.amount: /),
      expect.stringMatching(/^data\.currency: /),
      expect.stringMatching(/^data: .*"total"/),
    ]);
  });

  it('names the data itself when it is not an object', () => {
    const result = validateEventData('customer.created', '1.0', 'nope');
    expect(result).toEqual({
      ok: false,
      issues: [{ path: ['data'], message: expect.stringMatching(/^data: .*object/) }],
    });
  });

  it('rejects a timestamp that is not UTC with a message that shows the expected format', () => {
    const data = { ...eventCatalog['customer.created']['1.0'].example, createdAt: '2025-01-10T09:00:00+01:00' };
    expect(validateEventData('customer.created', '1.0', data)).toEqual({
      ok: false,
      issues: [
        {
          path: ['data', 'createdAt'],
          message: 'data.createdAt: expected an ISO 8601 UTC timestamp such as 2025-01-15T10:30:00.000Z',
        },
      ],
    });
  });
});

describe('checkEventVersion', () => {
  it('returns the definition of a registered (type, version)', () => {
    expect(checkEventVersion('order.created', '2.0')).toEqual({
      ok: true,
      definition: eventCatalog['order.created']['2.0'],
    });
  });

  it('says which half is wrong, without a field prefix, so callers can name their own field', () => {
    expect(checkEventVersion('order.created', '3.0')).toEqual({
      ok: false,
      field: 'version',
      problem: 'order.created has no version "3.0"; its versions are 1.0, 2.0',
    });
    expect(checkEventVersion('order.shipped', '1.0')).toMatchObject({
      ok: false,
      field: 'type',
      problem: expect.stringMatching(/^unknown event type "order.shipped"; known types are .*order.created/),
    });
  });
});
