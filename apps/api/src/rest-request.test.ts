import { describe, expect, it } from 'vitest';
import { jsonDepth } from './rest-request';

describe('jsonDepth', () => {
  it('counts the deepest nesting of arrays and objects', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":2}],"c":{}}')).toBe(3);
    expect(jsonDepth('['.repeat(100_000) + ']'.repeat(100_000))).toBe(100_000);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"say \\"[[[\\" twice","b":"\\\\"}')).toBe(1);
    expect(jsonDepth('["\\\\",[["x"]]]')).toBe(3);
  });
});
