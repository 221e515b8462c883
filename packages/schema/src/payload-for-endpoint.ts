import { convertEventData } from './convert';

export type EndpointPayload = { ok: true; version: string; data: unknown } | { ok: false; error: string };

/** The version of `type` an endpoint receives: the one it pins, else the published one. */
export function pinnedVersion(type: string, version: string, versionPins: Record<string, string>): string {
  // Own keys only: a type named like an Object.prototype member must not find one.
  return Object.hasOwn(versionPins, type) ? versionPins[type]! : version;
}

/**
 * The version and data one endpoint receives for a stored event: the published ones, unless the
 * endpoint pins this type to another version, in which case the data is converted (and validated
 * against the pinned schema) here, per delivery, so the stored event stays exactly as published.
 * A conversion that cannot be done is a value, not an exception: it fails this delivery only.
 */
export function payloadForEndpoint(
  event: { type: string; version: string; data: unknown },
  versionPins: Record<string, string>,
): EndpointPayload {
  const pinned = pinnedVersion(event.type, event.version, versionPins);
  if (pinned === event.version) return { ok: true, version: event.version, data: event.data };

  const converted = convertEventData(event.type, event.version, pinned, event.data);
  if (!converted.ok) {
    return {
      ok: false,
      error:
        `cannot deliver ${event.type} ${event.version} to this endpoint, pinned to ${pinned}: ${converted.error}. ` +
        `Change the endpoint's pin, or publish a version that converts to ${pinned}; retrying cannot help`,
    };
  }
  return { ok: true, version: pinned, data: converted.data };
}
