import { describe, expect, it } from 'vitest';
import { checkFilterTypes, type FilterTarget } from './check-filter-types';
import { parseFilter } from './parse-filter';

const orderCreated: FilterTarget = {
  type: 'order.created',
  version: '1.0',
  dataSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      amount: { type: 'number' },
      status: { type: 'string', enum: ['pending', 'shipped'] },
      items: {
        type: 'array',
        items: { type: 'object', additionalProperties: false, properties: { productId: { type: 'string' } } },
      },
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
  },
};
const customerCreated: FilterTarget = {
  type: 'customer.created',
  version: '1.0',
  dataSchema: { type: 'object', additionalProperties: false, properties: { email: { type: 'string' } } },
};

function check(filter: unknown, targets = [orderCreated, customerCreated]) {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return checkFilterTypes(parsed.filter, targets);
}

describe('checkFilterTypes', () => {
  it('accepts a path that one of the received events has', () => {
    expect(check({ 'data.amount': { $gte: 100 }, 'data.items.0.productId': 'p', 'data.note': null })).toEqual([]);
    expect(check({ 'data.email': { $exists: true } })).toEqual([]);
  });

  it('names a path none of them has', () => {
    expect(check({ 'data.items.0.sku': 'x' })).toEqual([
      {
        path: ['data.items.0.sku'],
        message:
          'bad path: no event this endpoint receives has data.items.0.sku (order.created 1.0, customer.created 1.0)',
      },
    ]);
  });

  it('names a type mismatch and a value outside an enum', () => {
    expect(check({ 'data.amount': { $in: [1, '2'] } })[0]?.message).toBe(
      'data.amount is a number, but $in compares it with "2" in order.created 1.0',
    );
    expect(check({ 'data.status': 'shiped' })[0]?.message).toMatch(/never "shiped"/);
    expect(check({ event: 'order.craeted' })[0]?.message).toMatch(/never "order.craeted"/);
    expect(check({ timestamp: { $gt: 0 } })[0]?.path).toEqual(['timestamp', '$gt']);
  });

  it('checks nothing when nothing is known about the events', () => {
    expect(check({ 'data.anything': 1 }, [])).toEqual([]);
  });
});
