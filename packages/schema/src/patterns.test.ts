import { describe, expect, it } from 'vitest';
import { isValidEventTypePattern, matchesEventType } from './patterns';

describe('matchesEventType', () => {
  it.each([
    { patterns: null, type: 'order.created', matches: true },
    { patterns: undefined, type: 'order.created', matches: true },
    { patterns: [], type: 'order.created', matches: true },
    { patterns: ['*'], type: 'order.created', matches: true },
    { patterns: ['order.created'], type: 'order.created', matches: true },
    { patterns: ['order.created'], type: 'order.updated', matches: false },
    { patterns: ['order.created'], type: 'order.created.late', matches: false },
    { patterns: ['order.*'], type: 'order.created', matches: true },
    { patterns: ['order.*'], type: 'order.item.added', matches: true },
    { patterns: ['order.*'], type: 'order', matches: false },
    { patterns: ['order.*'], type: 'orders.created', matches: false },
    { patterns: ['order.*'], type: 'payment.succeeded', matches: false },
    { patterns: ['order.item.*'], type: 'order.item.added', matches: true },
    { patterns: ['order.item.*'], type: 'order.created', matches: false },
    { patterns: ['payment.failed', 'order.*'], type: 'order.cancelled', matches: true },
    { patterns: ['payment.failed', 'order.*'], type: 'payment.succeeded', matches: false },
    { patterns: ['Order.created'], type: 'order.created', matches: false },
  ])('$patterns matches $type: $matches', ({ patterns, type, matches }) => {
    expect(matchesEventType(patterns, type)).toBe(matches);
  });
});

describe('isValidEventTypePattern', () => {
  it.each(['*', 'order.created', 'order.item.added', 'order.*', 'order.item.*', 'delivery_v2.exhausted'])(
    'accepts %s',
    (pattern) => expect(isValidEventTypePattern(pattern)).toBe(true),
  );
  it.each([
    '',
    'order',
    'Order.created',
    'order.',
    '.created',
    'order..created',
    '*.created',
    'order.*.added',
    'order*',
    '**',
    'order.created ',
    '1order.created',
  ])('rejects %j', (pattern) => expect(isValidEventTypePattern(pattern)).toBe(false));
});
