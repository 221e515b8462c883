import { describe, expect, it } from 'vitest';
import { evaluateFilter } from './evaluate-filter';
import { parseFilter } from './parse-filter';

const order = {
  id: 'evt_1',
  timestamp: '2025-01-15T10:30:00.000Z',
  event: 'order.updated',
  version: '1.0',
  data: {
    status: 'shipped',
    amount: 120,
    items: [{ productId: 'prod_1', quantity: 2 }],
    note: null,
  },
};

function matches(filter: unknown, doc: unknown = order): boolean {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return evaluateFilter(parsed.filter, doc);
}

describe('evaluateFilter', () => {
  it("matches the issue's example: shipped or delivered orders of 100 or more", () => {
    const filter = { 'data.status': { $in: ['shipped', 'delivered'] }, 'data.amount': { $gte: 100 } };
    expect(matches(filter)).toBe(true);
    expect(matches(filter, { ...order, data: { ...order.data, amount: 99.99 } })).toBe(false);
    expect(matches(filter, { ...order, data: { ...order.data, status: 'pending' } })).toBe(false);
  });

  it('follows array indexes and treats what is not there as missing', () => {
    expect(matches({ 'data.items.0.productId': 'prod_1' })).toBe(true);
    expect(matches({ 'data.items.1.productId': { $exists: true } })).toBe(false);
    expect(matches({ 'data.items.01.productId': 'prod_1' })).toBe(false);
    expect(matches({ 'data.status.length': { $exists: true } })).toBe(false);
    expect(matches({ 'data.constructor': { $exists: true } })).toBe(false);
    expect(matches({ 'data.note': { $exists: true } })).toBe(true);
    expect(matches({ 'data.note': null })).toBe(true);
    expect(matches({ 'data.missing': null })).toBe(false);
  });

  it('$ne and $nin hold for a missing field; comparisons need the same type', () => {
    expect(matches({ 'data.missing': { $ne: 'x' } })).toBe(true);
    expect(matches({ 'data.missing': { $nin: ['x'] } })).toBe(true);
    expect(matches({ 'data.amount': { $gt: '100' } })).toBe(false);
    expect(matches({ timestamp: { $gte: '2025-01-01T00:00:00Z', $lt: '2025-02-01' } })).toBe(true);
  });

  it('combines with $and, $or and $not', () => {
    expect(matches({ $or: [{ 'data.status': 'pending' }, { 'data.amount': { $gt: 100 } }] })).toBe(true);
    expect(matches({ $and: [{ event: 'order.updated' }, { $not: { version: '1.0' } }] })).toBe(false);
    expect(matches({})).toBe(true);
  });
});
