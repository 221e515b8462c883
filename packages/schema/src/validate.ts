import { findEventVersion, eventCatalog } from './catalog';
import { lookupVersions, sortedVersions, type EventVersionDefinition } from './define';
import { toValidationIssues, type ValidationIssue } from './issues';

export type ValidateEventDataResult =
  { ok: true; data: unknown; deprecated: boolean } | { ok: false; issues: ValidationIssue[] };

export type CheckEventVersionResult =
  { ok: true; definition: EventVersionDefinition } | { ok: false; field: 'type' | 'version'; problem: string };

/**
 * Whether a (type, version) is registered. On failure `field` says which half is wrong and `problem`
 * lists what exists, without a field prefix, so a caller can name its own field: a publish says
 * `type: …`, an endpoint's version pin says `versionPins.order.created: …`.
 */
export function checkEventVersion(type: string, version: string): CheckEventVersionResult {
  const versions = lookupVersions(eventCatalog, type);
  if (!versions) {
    const known = Object.keys(eventCatalog).sort().join(', ');
    return { ok: false, field: 'type', problem: `unknown event type "${type}"; known types are ${known}` };
  }
  const definition = findEventVersion(type, version);
  if (!definition) {
    const known = sortedVersions(versions).join(', ');
    return { ok: false, field: 'version', problem: `${type} has no version "${version}"; its versions are ${known}` };
  }
  return { ok: true, definition };
}

/**
 * Checks a payload against its registered (type, version). Issue paths start with `type`, `version` or
 * `data`, matching the fields of a publish request, so the API can return them as they are.
 */
export function validateEventData(type: string, version: string, data: unknown): ValidateEventDataResult {
  const registered = checkEventVersion(type, version);
  if (!registered.ok) {
    return { ok: false, issues: [{ path: [registered.field], message: `${registered.field}: ${registered.problem}` }] };
  }
  const parsed = registered.definition.schema.safeParse(data);
  if (!parsed.success) return { ok: false, issues: toValidationIssues(parsed.error.issues, ['data']) };
  return { ok: true, data: parsed.data, deprecated: registered.definition.deprecated };
}
