import { z } from 'zod';
import {
  EVENT_TYPE_PATTERN,
  VERSION_PATTERN,
  sortedVersions,
  type EventCatalogShape,
  type EventVersionDefinition,
} from './define';
import { summarizeIssues, toValidationIssues } from './issues';

/**
 * Checks the rules a catalog must keep, and throws one error listing every broken rule. The catalog runs
 * it when it loads, so a bad registration stops the API and the worker at startup, not at the first
 * publish. It takes the catalog as an argument so tests can hand it a broken one.
 */
export function assertCatalogIsConsistent(catalog: EventCatalogShape): void {
  const problems: string[] = [];

  for (const [type, versions] of Object.entries(catalog)) {
    if (!EVENT_TYPE_PATTERN.test(type)) {
      problems.push(`event type "${type}" is not dotted lowercase resource.action, e.g. order.created`);
    }
    const ordered = sortedVersions(versions).filter((version) => {
      if (VERSION_PATTERN.test(version)) return true;
      problems.push(`${type} version "${version}" is not major.minor, e.g. 1.0`);
      return false;
    });
    if (Object.keys(versions).length === 0) problems.push(`${type} has no versions; register at least 1.0`);

    ordered.forEach((version, index) => {
      const definition = versions[version]!;
      problems.push(...checkDefinition(type, version, definition));
      const previousVersion = ordered[index - 1];
      if (previousVersion === undefined) {
        if (definition.toPrevious || definition.fromPrevious) {
          problems.push(`${type} ${version} is the first version but registers a conversion; remove it`);
        }
      } else {
        problems.push(...checkConversions(versions[previousVersion]!, definition));
      }
    });
  }

  if (problems.length > 0) {
    throw new Error(`The event catalog is inconsistent:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

function checkDefinition(type: string, version: string, definition: EventVersionDefinition): string[] {
  const problems: string[] = [];
  const name = `${type} ${version}`;
  if (definition.type !== type || definition.version !== version) {
    problems.push(
      `${name} is registered under the wrong key: its definition says ${definition.type} ${definition.version}`,
    );
  }
  if (definition.description.trim() === '') problems.push(`${name} has no description`);
  const parsed = definition.schema.safeParse(definition.example);
  if (!parsed.success) {
    problems.push(`${name} example does not match its schema: ${describeIssues(parsed.error)}`);
  }
  try {
    z.toJSONSchema(definition.schema);
  } catch (error) {
    // Receivers in other languages get the JSON Schema, so a shape it cannot express is not allowed.
    problems.push(`${name} schema cannot be expressed as JSON Schema: ${errorMessage(error)}`);
  }
  return problems;
}

/** Runs both examples through the conversions between two neighbouring versions. */
function checkConversions(previous: EventVersionDefinition, current: EventVersionDefinition): string[] {
  const problems: string[] = [];
  const from = `${current.type} ${current.version}`;
  const to = `${previous.type} ${previous.version}`;
  const { toPrevious, fromPrevious } = current;

  if (!toPrevious) {
    return [
      `${from} has no toPrevious conversion to ${previous.version}: add one, so endpoints that still ` +
        `expect ${previous.version} keep receiving this event`,
    ];
  }
  const down = attempt(() => previous.schema.parse(toPrevious(current.example)));
  if (!down.ok) problems.push(`${from} toPrevious turns its example into invalid ${to}: ${down.error}`);

  if (fromPrevious) {
    const up = attempt(() => current.schema.parse(fromPrevious(previous.example)));
    if (!up.ok) problems.push(`${from} fromPrevious turns the ${to} example into invalid ${from}: ${up.error}`);

    // fromPrevious promises a lossless upgrade: down and back up (and up and back down) must change nothing.
    if (
      down.ok &&
      !jsonEqual(
        attempt(() => fromPrevious(down.value)),
        { ok: true, value: current.example },
      )
    ) {
      problems.push(`${from} example changes on the way to ${previous.version} and back: fromPrevious is not lossless`);
    }
    if (
      up.ok &&
      !jsonEqual(
        attempt(() => toPrevious(up.value)),
        { ok: true, value: previous.example },
      )
    ) {
      problems.push(`${to} example changes on the way to ${current.version} and back: fromPrevious is not lossless`);
    }
  }
  return problems;
}

function attempt<T>(run: () => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error: error instanceof z.ZodError ? describeIssues(error) : errorMessage(error) };
  }
}

function describeIssues(error: z.ZodError): string {
  return summarizeIssues(toValidationIssues(error.issues, ['data']));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Equality of JSON values, ignoring key order (conversions may build keys in any order). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}
