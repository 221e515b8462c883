import { describe, expect, it } from 'vitest';
import { newId } from './ids';

describe('newId', () => {
  it('is the prefix, 10 characters of time and 16 of randomness in Crockford base32', () => {
    expect(newId('evt')).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('sorts by creation time', () => {
    expect(newId('dlv', 1_000) < newId('dlv', 1_001)).toBe(true);
    expect(newId('dlv', 1_000).slice(0, 14)).toBe(newId('dlv', 1_000).slice(0, 14));
  });

  it('never repeats, across many refills of its random pool', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('atm', 0));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
