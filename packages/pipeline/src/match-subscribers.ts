import { evaluateFilter, filterPaths, parseFilter, type FilterNode } from '@hookline/filter';
import { matchesEventType, payloadForEndpoint } from '@hookline/schema';

/** An enabled endpoint of the application, as fan-out reads it. */
export type Subscriber = {
  id: string;
  eventTypes: string[] | null;
  versionPins: Record<string, string>;
  filter: unknown;
};

/** A stored event as fan-out sees it; `createdAt` as PostgreSQL's JSON renders a timestamptz. */
export type FannedOutEvent = { id: string; type: string; version: string; data: unknown; createdAt: string };

type FilterEnvelope = { id: string; timestamp: string | undefined; event: string; version: string; data: unknown };

/**
 * Decides which subscribers take an event: its type must match the endpoint's patterns, and its
 * envelope (as this endpoint would receive it, after version pins) must pass the endpoint's filter.
 * Each filter is parsed once per publish, however many events the batch holds.
 */
export function subscribersMatcher(subscribers: readonly Subscriber[]) {
  const compiled = subscribers.map((s) => ({ ...s, filter: compileFilter(s.filter) }));
  // Turning PostgreSQL's timestamp into the envelope's form costs more than a whole filter: only
  // done for an event when some filter reads it.
  const needsTimestamp = compiled.some((s) => s.filter && filterPaths(s.filter).some((p) => p[0] === 'timestamp'));
  return (event: FannedOutEvent): string[] => {
    // The envelope as published serves every endpoint that does not pin this type to another version.
    let published: FilterEnvelope | undefined;
    const ids: string[] = [];
    for (const s of compiled) {
      if (!matchesEventType(s.eventTypes, event.type)) continue;
      if (s.filter) {
        published ??= {
          id: event.id,
          timestamp: needsTimestamp ? new Date(event.createdAt).toISOString() : undefined,
          event: event.type,
          version: event.version,
          data: event.data,
        };
        const payload = payloadForEndpoint(event, s.versionPins);
        // Data that cannot take the pinned version is delivered anyway: the worker fails that delivery
        // with the reason on its attempt, where an operator sees it, rather than dropping it here unseen.
        if (payload.ok) {
          const envelope =
            payload.version === event.version
              ? published
              : { ...published, version: payload.version, data: payload.data };
          if (!evaluateFilter(s.filter, envelope)) continue;
        }
      }
      ids.push(s.id);
    }
    return ids;
  };
}

/**
 * Stored filters were checked when saved. One that no longer parses (written under other rules) lets
 * every event through: a receiver that gets too much can say so, one that silently gets nothing cannot.
 */
function compileFilter(stored: unknown): FilterNode | null {
  if (stored === null || stored === undefined) return null;
  const parsed = parseFilter(stored);
  return parsed.ok ? parsed.filter : null;
}
