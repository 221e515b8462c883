import type { FieldTest, FilterNode, Scalar } from './filter';

/** What a path leads to when the document has nothing there. */
const missing = Symbol('missing');

/**
 * Whether `doc` (the envelope an endpoint would receive) passes the parsed filter. Total: any
 * document gives true or false, in time bounded by the filter's size (paths are followed, the
 * document is never scanned).
 */
export function evaluateFilter(node: FilterNode, doc: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return node.all.every((n) => evaluateFilter(n, doc));
    case 'or':
      return node.any.some((n) => evaluateFilter(n, doc));
    case 'not':
      return !evaluateFilter(node.node, doc);
    case 'field':
      return testField(node.test, resolvePath(doc, node.segments));
  }
}

/**
 * Follows a dotted path: an object's own field by name, an array's element by a decimal index
 * (`items.0`). Anything else (a field of a string, an index past the end, an inherited name such as
 * `constructor`) is missing.
 */
export function resolvePath(doc: unknown, segments: readonly string[]): unknown {
  let current: unknown = doc;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      const index = arrayIndex(segment);
      if (index < 0 || index >= current.length) return missing;
      current = current[index] as unknown;
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return missing;
    }
  }
  return current;
}

/** A canonical decimal index (`0`, `12`, not `01` nor `1e1`), or -1. Faster than a regular expression, on the hot path. */
function arrayIndex(segment: string): number {
  if (segment.length === 0 || segment.length > 15 || (segment.length > 1 && segment.charCodeAt(0) === 48)) return -1;
  let index = 0;
  for (let i = 0; i < segment.length; i++) {
    const digit = segment.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    index = index * 10 + digit;
  }
  return index;
}

/** Every path the filter tests, as segments. */
export function filterPaths(node: FilterNode): string[][] {
  switch (node.kind) {
    case 'field':
      return [node.segments];
    case 'not':
      return filterPaths(node.node);
    case 'and':
      return node.all.flatMap(filterPaths);
    case 'or':
      return node.any.flatMap(filterPaths);
  }
}

function testField(test: FieldTest, value: unknown): boolean {
  switch (test.op) {
    case '$eq':
      return equals(value, test.value);
    case '$ne':
      return !equals(value, test.value);
    case '$in':
      return test.values.some((v) => equals(value, v));
    case '$nin':
      return !test.values.some((v) => equals(value, v));
    case '$exists':
      return (value !== missing) === test.value;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return compare(test.op, value, test.value);
  }
}

/** Scalars only: a field holding an object or an array equals no filter value. */
function equals(value: unknown, expected: Scalar): boolean {
  return value === expected;
}

/** Numbers with numbers, strings with strings (by UTF-16 code units, so ISO timestamps order by time); else false. */
function compare(op: '$gt' | '$gte' | '$lt' | '$lte', value: unknown, bound: number | string): boolean {
  if (typeof value !== typeof bound) return false;
  const v = value as number | string;
  switch (op) {
    case '$gt':
      return v > bound;
    case '$gte':
      return v >= bound;
    case '$lt':
      return v < bound;
    case '$lte':
      return v <= bound;
  }
}
