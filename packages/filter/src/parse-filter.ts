import {
  fieldOperators,
  filterableEnvelopeFields,
  filterLimits,
  logicalOperators,
  type FieldTest,
  type FilterNode,
  type Scalar,
} from './filter';

/** What is wrong and where: `path` leads from the filter's top to the offending key. */
export type FilterIssue = { path: string[]; message: string };

export type ParsedFilter = { ok: true; filter: FilterNode } | { ok: false; issues: FilterIssue[] };

/**
 * Checks a filter as sent by a caller (any JSON, or anything at all) and returns its tree, or every
 * problem found, each naming its place. Never throws: the depth and node limits are checked before
 * descending, so neither a deeply nested nor a cyclic input can exhaust the stack.
 */
export function parseFilter(input: unknown): ParsedFilter {
  const state: ParseState = { issues: [], nodes: 0 };
  const filter = parseCondition(input, [], 1, state);
  if (state.issues.length === 0) {
    // Only measured once the structure is known to be finite and acyclic (JSON.stringify would throw otherwise).
    const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
    if (bytes > filterLimits.maxBytes) {
      state.issues.push({
        path: [],
        message: `is ${bytes} bytes of JSON; at most ${filterLimits.maxBytes} are allowed`,
      });
    }
  }
  return state.issues.length === 0 && filter ? { ok: true, filter } : { ok: false, issues: state.issues };
}

type ParseState = { issues: FilterIssue[]; nodes: number };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** A condition is an object; its keys are paths or logical operators, all of which must hold. */
function parseCondition(input: unknown, at: string[], depth: number, state: ParseState): FilterNode | null {
  if (!isPlainObject(input)) {
    state.issues.push({ path: at, message: 'a condition must be an object of paths and operators' });
    return null;
  }
  if (depth > filterLimits.maxDepth) {
    state.issues.push({ path: at, message: `conditions nest more than ${filterLimits.maxDepth} deep` });
    return null;
  }
  const all: FilterNode[] = [];
  for (const key of Object.keys(input)) {
    if (!countNode(at, state)) return null;
    const value = input[key];
    const here = [...at, key];
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) {
        state.issues.push({ path: here, message: `${key} takes a non-empty array of conditions` });
        continue;
      }
      const parts = value.map((part, i) => parseCondition(part, [...here, String(i)], depth + 1, state));
      if (parts.every((p): p is FilterNode => p !== null))
        all.push(key === '$and' ? { kind: 'and', all: parts } : { kind: 'or', any: parts });
    } else if (key === '$not') {
      const node = parseCondition(value, here, depth + 1, state);
      if (node) all.push({ kind: 'not', node });
    } else if (key.startsWith('$')) {
      state.issues.push({
        path: here,
        message: `unknown operator ${key}; a condition's keys are paths or one of ${logicalOperators.join(', ')}`,
      });
    } else {
      const segments = parsePath(key, here, state);
      if (!segments) continue;
      for (const test of parseFieldTests(value, here, state))
        all.push({ kind: 'field', path: key, segments, at: here, test });
    }
  }
  return all.length === 1 ? all[0]! : { kind: 'and', all };
}

function countNode(at: string[], state: ParseState): boolean {
  state.nodes += 1;
  if (state.nodes <= filterLimits.maxNodes) return true;
  if (state.nodes === filterLimits.maxNodes + 1)
    state.issues.push({ path: at, message: `has more than ${filterLimits.maxNodes} conditions` });
  return false;
}

function parsePath(path: string, here: string[], state: ParseState): string[] | null {
  const segments = path.split('.');
  const problem =
    path.length > filterLimits.maxPathLength
      ? `is longer than ${filterLimits.maxPathLength} characters`
      : segments.length > filterLimits.maxPathSegments
        ? `has more than ${filterLimits.maxPathSegments} segments`
        : segments.some((s) => s === '')
          ? 'has an empty segment (two dots in a row, or a dot at an end)'
          : !(filterableEnvelopeFields as readonly string[]).includes(segments[0]!)
            ? `is not a field of the envelope; a path starts with one of ${filterableEnvelopeFields.join(', ')}`
            : segments.length > 1 && segments[0] !== 'data'
              ? `${segments[0]} is a string and has no fields`
              : null;
  if (problem) {
    state.issues.push({ path: here, message: `bad path: ${problem}` });
    return null;
  }
  return segments;
}

/** A field's value is a scalar (equality) or an object of field operators, all of which must hold. */
function parseFieldTests(value: unknown, here: string[], state: ParseState): FieldTest[] {
  if (isScalar(value)) return [{ op: '$eq', value }];
  if (!isPlainObject(value)) {
    state.issues.push({
      path: here,
      message: Array.isArray(value)
        ? 'an array is not compared whole; use { "$in": [...] } to match any of several values'
        : 'expected a string, number, boolean, null or an object of operators',
    });
    return [];
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    state.issues.push({ path: here, message: 'an empty operator object tests nothing; name an operator' });
    return [];
  }
  const tests: FieldTest[] = [];
  for (const op of keys) {
    const operand = value[op];
    const at = [...here, op];
    if (!countNode(here, state)) return tests;
    switch (op) {
      case '$eq':
      case '$ne':
        if (isScalar(operand)) tests.push({ op, value: operand });
        else state.issues.push({ path: at, message: `${op} takes a string, number, boolean or null` });
        break;
      case '$in':
      case '$nin':
        if (!Array.isArray(operand) || operand.length === 0 || !operand.every(isScalar))
          state.issues.push({
            path: at,
            message: `${op} takes a non-empty array of strings, numbers, booleans or null`,
          });
        else if (operand.length > filterLimits.maxListValues)
          state.issues.push({ path: at, message: `${op} lists more than ${filterLimits.maxListValues} values` });
        else tests.push({ op, values: operand });
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if ((typeof operand === 'number' && Number.isFinite(operand)) || typeof operand === 'string')
          tests.push({ op, value: operand });
        else state.issues.push({ path: at, message: `${op} takes a number or a string` });
        break;
      case '$exists':
        if (typeof operand === 'boolean') tests.push({ op, value: operand });
        else state.issues.push({ path: at, message: '$exists takes true or false' });
        break;
      default:
        state.issues.push({
          path: at,
          message: op.startsWith('$')
            ? `unknown operator ${op}; a field takes ${fieldOperators.join(', ')}`
            : `${op} is not an operator; to test a nested field write its dotted path (${here.at(-1)}.${op})`,
        });
    }
  }
  return tests;
}
