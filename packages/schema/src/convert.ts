import { eventCatalog } from './catalog';
import { lookupVersions, sortedVersions, type EventCatalogShape, type EventVersionDefinition } from './define';
import { summarizeIssues, toValidationIssues } from './issues';

export type ConvertEventDataResult = { ok: true; data: unknown } | { ok: false; error: string };

/**
 * Rewrites data of one version of a type into another version, e.g. for an endpoint that still expects an
 * older version than the publisher sent. See convertInCatalog for the rules.
 */
export function convertEventData(
  type: string,
  fromVersion: string,
  toVersion: string,
  data: unknown,
): ConvertEventDataResult {
  return convertInCatalog(eventCatalog, { type, fromVersion, toVersion, data });
}

/**
 * Walks neighbouring versions one step at a time: down through each newer version's `toPrevious`, up
 * through each newer version's `fromPrevious`. The input must be valid for `fromVersion`, and every step's
 * output is validated against that step's schema, so an error names the step that broke.
 */
export function convertInCatalog(
  catalog: EventCatalogShape,
  request: { type: string; fromVersion: string; toVersion: string; data: unknown },
): ConvertEventDataResult {
  const { type, fromVersion, toVersion } = request;
  const versions = lookupVersions(catalog, type);
  if (!versions) return { ok: false, error: `unknown event type "${type}"` };
  const ordered = sortedVersions(versions);
  const fromIndex = ordered.indexOf(fromVersion);
  const toIndex = ordered.indexOf(toVersion);
  for (const version of [fromVersion, toVersion]) {
    if (!ordered.includes(version)) {
      return { ok: false, error: `${type} has no version "${version}"; its versions are ${ordered.join(', ')}` };
    }
  }

  const source = versions[fromVersion]!;
  const parsed = source.schema.safeParse(request.data);
  if (!parsed.success) {
    return { ok: false, error: `data is not valid ${type} ${fromVersion}: ${issueSummary(parsed.error.issues)}` };
  }

  const steps = planSteps(versions, ordered, fromIndex, toIndex);
  if (!steps.ok) {
    return { ok: false, error: `cannot convert ${type} ${fromVersion} to ${toVersion}: ${steps.error}` };
  }

  let data = parsed.data;
  for (const step of steps.value) {
    let converted: unknown;
    try {
      converted = step.convert(data);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, error: `converting ${type} ${step.from} to ${step.to} threw: ${reason}` };
    }
    const checked = step.target.schema.safeParse(converted);
    if (!checked.success) {
      const issues = issueSummary(checked.error.issues);
      return {
        ok: false,
        error: `converting ${type} ${step.from} to ${step.to} produced invalid ${step.to} data: ${issues}`,
      };
    }
    data = checked.data;
  }
  return { ok: true, data };
}

/** The versions a version's data can be converted to, in version order, without itself. */
export function convertibleVersions(catalog: EventCatalogShape, type: string, version: string): string[] {
  const versions = lookupVersions(catalog, type);
  if (!versions) return [];
  const ordered = sortedVersions(versions);
  const fromIndex = ordered.indexOf(version);
  if (fromIndex === -1) return [];
  return ordered.filter((_, toIndex) => toIndex !== fromIndex && planSteps(versions, ordered, fromIndex, toIndex).ok);
}

interface Step {
  from: string;
  to: string;
  target: EventVersionDefinition;
  convert: (data: unknown) => unknown;
}

function planSteps(
  versions: EventCatalogShape[string],
  ordered: string[],
  fromIndex: number,
  toIndex: number,
): { ok: true; value: Step[] } | { ok: false; error: string } {
  const steps: Step[] = [];
  // Going down, version i converts itself to i - 1; going up, version i + 1 converts i to itself.
  for (let index = fromIndex; index > toIndex; index--) {
    const current = versions[ordered[index]!]!;
    const previous = versions[ordered[index - 1]!]!;
    if (!current.toPrevious) return { ok: false, error: `${current.version} registers no toPrevious` };
    steps.push({ from: current.version, to: previous.version, target: previous, convert: current.toPrevious });
  }
  for (let index = fromIndex; index < toIndex; index++) {
    const current = versions[ordered[index]!]!;
    const next = versions[ordered[index + 1]!]!;
    if (!next.fromPrevious) {
      const reason = `upgrading from ${current.version} would have to invent data`;
      return { ok: false, error: `${next.version} registers no fromPrevious, because ${reason}` };
    }
    steps.push({ from: current.version, to: next.version, target: next, convert: next.fromPrevious });
  }
  return { ok: true, value: steps };
}

function issueSummary(issues: Parameters<typeof toValidationIssues>[0]): string {
  return summarizeIssues(toValidationIssues(issues, ['data']));
}
