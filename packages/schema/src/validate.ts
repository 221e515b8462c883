import { findEventVersion, eventCatalog } from './catalog';
import { lookupVersions, sortedVersions } from './define';
import { toValidationIssues, type ValidationIssue } from './issues';

export type ValidateEventDataResult =
  | { ok: true; data: unknown; deprecated: boolean }
  | { ok: false; issues: ValidationIssue[] };

/**
 * Checks a payload against its registered (type, version). Issue paths start with `type`, `version` or
 * `data`, matching the fields of a publish request, so the API can return them as they are.
 */
export function validateEventData(type: string, version: string, data: unknown): ValidateEventDataResult {
  const versions = lookupVersions(eventCatalog, type);
  if (!versions) {
    const known = Object.keys(eventCatalog).sort().join(', ');
    return fail(['type'], `type: unknown event type "${type}"; known types are ${known}`);
  }
  const definition = findEventVersion(type, version);
  if (!definition) {
    const known = sortedVersions(versions).join(', ');
    return fail(['version'], `version: ${type} has no version "${version}"; its versions are ${known}`);
  }
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) return { ok: false, issues: toValidationIssues(parsed.error.issues, ['data']) };
  return { ok: true, data: parsed.data, deprecated: definition.deprecated };
}

function fail(path: ValidationIssue['path'], message: string): ValidateEventDataResult {
  return { ok: false, issues: [{ path, message }] };
}
