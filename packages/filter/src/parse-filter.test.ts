import { describe, expect, it } from 'vitest';
import { filterLimits } from './filter';
import { parseFilter } from './parse-filter';

function issuesOf(filter: unknown) {
  const parsed = parseFilter(filter);
  return parsed.ok ? [] : parsed.issues;
}

describe('parseFilter', () => {
  it('names an unknown operator where it stands', () => {
    expect(issuesOf({ $or: [{ 'data.amount': { $gtx: 1 } }] })).toEqual([
      { path: ['$or', '0', 'data.amount', '$gtx'], message: expect.stringMatching(/^unknown operator \$gtx/) },
    ]);
    expect(issuesOf({ $nor: [] })[0]?.message).toMatch(/unknown operator \$nor/);
  });

  it('refuses bad paths and operands', () => {
    expect(issuesOf({ 'data..amount': 1 })[0]?.message).toMatch(/empty segment/);
    expect(issuesOf({ attempt: 1 })[0]?.message).toMatch(/not a field of the envelope/);
    expect(issuesOf({ 'event.name': 'x' })[0]?.message).toMatch(/has no fields/);
    expect(issuesOf({ 'data.status': ['a'] })[0]?.message).toMatch(/\$in/);
    expect(issuesOf({ 'data.status': { $in: [] } })[0]?.path).toEqual(['data.status', '$in']);
    expect(issuesOf({ 'data.amount': { $gt: true } })[0]?.message).toMatch(/number or a string/);
    expect(issuesOf({ 'data.items': { productId: 'x' } })[0]?.message).toMatch(/data.items.productId/);
    expect(issuesOf({ $and: {} })[0]?.message).toMatch(/non-empty array/);
    expect(issuesOf([])[0]?.message).toMatch(/must be an object/);
  });

  it('keeps to the size, depth and count limits', () => {
    let deep: unknown = { 'data.a': 1 };
    for (let i = 0; i < filterLimits.maxDepth; i++) deep = { $not: deep };
    expect(issuesOf(deep)[0]?.message).toMatch(/nest more than/);
    const many = Object.fromEntries(Array.from({ length: filterLimits.maxNodes + 5 }, (_, i) => [`data.f${i}`, i]));
    expect(issuesOf(many)).toHaveLength(1);
    expect(issuesOf({ 'data.a': { $in: Array.from({ length: 101 }, (_, i) => i) } })[0]?.message).toMatch(
      /more than 100/,
    );
    expect(issuesOf({ 'data.a': 'x'.repeat(filterLimits.maxBytes) })[0]?.message).toMatch(/bytes of JSON/);
  });

  it('survives a cyclic or enormously deep input', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.$not = cyclic;
    expect(issuesOf(cyclic)[0]?.message).toMatch(/nest more than/);
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { $not: deep };
    expect(issuesOf(deep)[0]?.message).toMatch(/nest more than/);
  });
});
