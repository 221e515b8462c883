import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFilter } from './evaluate-filter';
import { parseFilter } from './parse-filter';

/**
 * The reference: the filter language read straight off its JSON, the way the docs describe it, with
 * no parsing step and no shared code. If the two ever disagree, one of them misreads the docs.
 */
function reference(filter: Record<string, unknown>, doc: unknown): boolean {
  return Object.entries(filter).every(([key, value]) => {
    if (key === '$and') return (value as Record<string, unknown>[]).every((f) => reference(f, doc));
    if (key === '$or') return (value as Record<string, unknown>[]).some((f) => reference(f, doc));
    if (key === '$not') return !reference(value as Record<string, unknown>, doc);
    const found = lookup(doc, key);
    if (value === null || typeof value !== 'object') return found.present && found.value === value;
    return Object.entries(value).every(([op, operand]) => {
      const has = found.present;
      const v = found.value;
      switch (op) {
        case '$eq':
          return has && v === operand;
        case '$ne':
          return !(has && v === operand);
        case '$in':
          return has && (operand as unknown[]).includes(v);
        case '$nin':
          return !(has && (operand as unknown[]).includes(v));
        case '$exists':
          return has === operand;
        default: {
          if (!has || typeof v !== typeof operand || (typeof v !== 'number' && typeof v !== 'string')) return false;
          const a = v as number;
          const b = operand as number;
          return op === '$gt' ? a > b : op === '$gte' ? a >= b : op === '$lt' ? a < b : a <= b;
        }
      }
    });
  });
}

function lookup(doc: unknown, path: string): { present: boolean; value?: unknown } {
  let current = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) {
      if (String(Number.parseInt(part, 10)) !== part || Number(part) < 0 || Number(part) >= current.length)
        return { present: false };
      current = current[Number(part)];
    } else if (current !== null && typeof current === 'object' && Object.keys(current).includes(part)) {
      current = (current as Record<string, unknown>)[part];
    } else {
      return { present: false };
    }
  }
  return { present: true, value: current };
}

// A small vocabulary, so that random filters and random documents meet often.
const keys = ['a', 'b', 'c', '0', '1'];
const scalar = fc.oneof(
  fc.constantFrom('x', 'y', '', 'shipped'),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, 100),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { minLength: 1, maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...keys), tie('value'), { minKeys: 2, maxKeys: 5 }),
  ),
})).value;
const doc = fc.record({
  id: fc.constantFrom('evt_1', 'evt_2'),
  event: fc.constantFrom('order.created', 'order.updated'),
  version: fc.constantFrom('1.0', '2.0'),
  timestamp: fc.constantFrom('2025-01-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z'),
  data: fc.dictionary(fc.constantFrom(...keys), value, { minKeys: 3, maxKeys: 5 }),
});
const path = fc.oneof(
  fc.constantFrom('id', 'event', 'version', 'timestamp', 'data'),
  fc.array(fc.constantFrom(...keys), { minLength: 1, maxLength: 3 }).map((parts) => ['data', ...parts].join('.')),
);
const operators = fc.oneof(
  fc.record({ $eq: scalar }, { requiredKeys: [] }),
  fc.record({ $ne: scalar, $exists: fc.boolean() }, { requiredKeys: [] }),
  fc.record({ $in: fc.array(scalar, { minLength: 1, maxLength: 4 }) }),
  fc.record({ $nin: fc.array(scalar, { minLength: 1, maxLength: 4 }) }),
  fc.record(
    {
      $gt: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', '2025-03')),
      $gte: fc.integer({ min: -3, max: 3 }),
      $lt: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('y', '2025-03')),
      $lte: fc.constantFrom('x', '', 3),
    },
    { requiredKeys: [] },
  ),
);
const fieldValue = fc.oneof(
  scalar,
  operators.filter((o) => Object.keys(o).length > 0),
);
const filter: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.dictionary(path, fieldValue, { minKeys: 1, maxKeys: 2 }),
    fc.record({ $and: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $not: tie('condition') }),
  ),
})).condition as fc.Arbitrary<Record<string, unknown>>;

describe('evaluateFilter against the reference', () => {
  it('agrees on random documents and filters', () => {
    const outcomes = { true: 0, false: 0 };
    fc.assert(
      fc.property(filter, doc, (f, d) => {
        const parsed = parseFilter(f);
        // Deep generated trees can pass the 64-condition limit: refusing those is the limit working.
        if (!parsed.ok && parsed.issues.every((i) => /more than \d+ conditions/.test(i.message))) return;
        // Any other refusal of a generated filter is a bug in the generator or the parser.
        if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.issues)}`);
        const result = evaluateFilter(parsed.filter, d);
        expect(result).toBe(reference(f, d));
        outcomes[`${result}`] += 1;
      }),
      { numRuns: 3000 },
    );
    // The generators are tuned so that both answers are common (about a third of the runs match);
    // an agreement that is always "false" would prove little.
    expect(Math.min(outcomes.true, outcomes.false)).toBeGreaterThan(300);
  });

  it('never throws nor hangs, whatever the filter and the document', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 6, withObjectString: true, withNullPrototype: true }),
        fc.anything(),
        (f, d) => {
          const started = performance.now();
          const parsed = parseFilter(f);
          if (parsed.ok) expect(typeof evaluateFilter(parsed.filter, d)).toBe('boolean');
          else expect(parsed.issues.length).toBeGreaterThan(0);
          expect(performance.now() - started).toBeLessThan(250);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws on filters that look almost right', () => {
    const nearlyRight = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', maxDepth: 8 },
        fc.anything({ maxDepth: 2 }),
        fc.dictionary(
          fc.oneof(path, fc.constantFrom('$and', '$or', '$not', '$in', '$gt', '$exists', '$eq')),
          tie('node'),
          {
            maxKeys: 3,
          },
        ),
        fc.array(tie('node'), { maxLength: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(nearlyRight, doc, (f, d) => {
        const parsed = parseFilter(f);
        if (parsed.ok) expect(typeof evaluateFilter(parsed.filter, d)).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
