import type { FieldTest, FilterNode, Scalar } from './filter';
import type { FilterIssue } from './parse-filter';

/** A JSON Schema as generated from the event catalog (type, properties, items, enum, const, anyOf). */
type JsonSchema = Record<string, unknown>;

/** One (type, version) an endpoint may receive, and the JSON Schema of its `data`. */
export type FilterTarget = { type: string; version: string; dataSchema: JsonSchema };

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
/** What a path leads to in one schema: a schema, or `any` where the schema does not say. */
type Leaf = JsonSchema | 'any';

/**
 * The mistakes a filter makes against the events its endpoint can receive: a path that none of them
 * has, or a value of a type (or outside an enum) that the path never holds. A path or a value that
 * fits at least one of them is accepted: an endpoint on `order.*` may test a field only
 * `order.created` has. With no targets (nothing known about the events) nothing is reported.
 */
export function checkFilterTypes(filter: FilterNode, targets: readonly FilterTarget[]): FilterIssue[] {
  if (targets.length === 0) return [];
  const issues: FilterIssue[] = [];
  const envelopes = targets.map((t) => ({ name: `${t.type} ${t.version}`, schema: envelopeSchema(t) }));
  forEachField(filter, (field) => {
    const found = envelopes.map((e) => ({ name: e.name, leaves: resolveSchema(e.schema, field.segments, 0) }));
    const holding = found.filter((f) => f.leaves.length > 0);
    if (holding.length === 0) {
      issues.push({
        path: field.at,
        message: `bad path: no event this endpoint receives has ${field.path} (${names(found)})`,
      });
      return;
    }
    const leaves = holding.flatMap((f) => f.leaves);
    if (leaves.includes('any')) return;
    const problem = valueProblem(field.test, leaves as JsonSchema[]);
    if (problem)
      issues.push({
        path: [...field.at, field.test.op],
        message: `${field.path} ${problem} in ${names(holding)}`,
      });
  });
  return issues;
}

function names(found: { name: string }[]): string {
  const all = found.map((f) => f.name);
  return all.length > 5 ? `${all.slice(0, 5).join(', ')} and ${all.length - 5} more` : all.join(', ');
}

function forEachField(node: FilterNode, visit: (field: Extract<FilterNode, { kind: 'field' }>) => void): void {
  if (node.kind === 'field') visit(node);
  else if (node.kind === 'not') forEachField(node.node, visit);
  else for (const child of node.kind === 'and' ? node.all : node.any) forEachField(child, visit);
}

/** The envelope's fields as the filter sees them at fan-out, with this target's data schema inside. */
function envelopeSchema(target: FilterTarget): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      id: { type: 'string' },
      timestamp: { type: 'string' },
      event: { type: 'string', const: target.type },
      version: { type: 'string', const: target.version },
      data: target.dataSchema,
    },
  };
}

// Generated schemas are a few levels deep; the bound only guards against a schema that refers to itself.
const maxSchemaSteps = 64;

/** Every schema `segments` can lead to from `schema`; empty when the path cannot exist. */
function resolveSchema(schema: unknown, segments: readonly string[], steps: number): Leaf[] {
  if (steps > maxSchemaSteps || typeof schema !== 'object' || schema === null) return ['any'];
  const s = schema as JsonSchema;
  const branches = [s.anyOf, s.oneOf].find(Array.isArray) as unknown[] | undefined;
  if (branches) return branches.flatMap((b) => resolveSchema(b, segments, steps + 1));
  if (segments.length === 0) return [s];
  const [segment, ...rest] = segments as [string, ...string[]];
  const types = declaredTypes(s);
  if (!types) return ['any'];
  const leaves: Leaf[] = [];
  if (types.has('object')) {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    if (Object.hasOwn(properties, segment)) leaves.push(...resolveSchema(properties[segment], rest, steps + 1));
    else if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null)
      leaves.push(...resolveSchema(s.additionalProperties, rest, steps + 1));
    else if (s.additionalProperties !== false) leaves.push('any');
  }
  if (types.has('array') && /^(0|[1-9][0-9]*)$/.test(segment)) {
    const maxItems = typeof s.maxItems === 'number' ? s.maxItems : Infinity;
    if (Number(segment) < maxItems) leaves.push(...resolveSchema(s.items ?? {}, rest, steps + 1));
  }
  return leaves;
}

/** The JSON types a schema allows, or null where it does not say (anything goes). */
function declaredTypes(schema: JsonSchema): Set<JsonType> | null {
  const listed = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const fromValues = [...(Array.isArray(schema.enum) ? schema.enum : []), ...('const' in schema ? [schema.const] : [])];
  const types = new Set<JsonType>();
  for (const t of listed) types.add(t === 'integer' ? 'number' : (t as JsonType));
  for (const v of fromValues) types.add(jsonType(v));
  if (types.size === 0) return schema.properties ? new Set(['object']) : null;
  return types;
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

/** Why the test can never be decided by the values the leaves allow, or null. */
function valueProblem(test: FieldTest, leaves: JsonSchema[]): string | null {
  if (test.op === '$exists') return null;
  const typeSets = leaves.map(declaredTypes);
  if (typeSets.includes(null)) return null;
  const allowed = new Set(typeSets.flatMap((t) => [...t!]));
  const describeAllowed = `is ${[...allowed].map((t) => (t === 'array' || t === 'object' ? `an ${t}` : `a ${t}`)).join(' or ')}`;
  const values: Scalar[] = 'values' in test ? test.values : [test.value];
  for (const value of values) {
    const type = jsonType(value);
    if (!allowed.has(type)) return `${describeAllowed}, but ${test.op} compares it with ${JSON.stringify(value)}`;
  }
  if (test.op === '$gt' || test.op === '$gte' || test.op === '$lt' || test.op === '$lte') return null;
  // Equality with a value outside every enum (a typo such as "shiped") can never hold.
  const enums = leaves.map(allowedValues);
  if (enums.includes(null)) return null;
  const known = enums.flatMap((e) => e!);
  const unknown = values.find((v) => !known.includes(v));
  return unknown === undefined
    ? null
    : `is one of ${known.map((v) => JSON.stringify(v)).join(', ')}, never ${JSON.stringify(unknown)}`;
}

function allowedValues(schema: JsonSchema): unknown[] | null {
  if ('const' in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : null;
}
