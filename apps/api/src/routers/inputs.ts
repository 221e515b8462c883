import { endpointUrlProblem } from '@hookline/egress';
import { checkEventVersion, isValidEventTypePattern, type VersionPins as TypedVersionPins } from '@hookline/schema';
import { z } from 'zod';

/**
 * Ids are checked for shape only (`ep_01J…`); whether they exist (and are visible) is the service's
 * answer. The character set keeps garbage such as NUL bytes from ever reaching SQL.
 */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, {
    message: 'must be an id such as ep_01JH3C5Q2X7YB8N4K6W9M0T1VZ (letters, digits, _ and -)',
  });

/**
 * Free text for a text column: PostgreSQL cannot store the NUL character, and a string with an
 * unpaired UTF-16 surrogate is not text it can encode (refused in jsonb, mangled in text).
 */
export const Text = z.string().refine(isStorableString, {
  message: 'must not contain the NUL character (\\u0000) or an unpaired surrogate (\\ud800)',
});

/**
 * A time as ISO 8601 (`2025-01-15T10:30:00Z`), in years PostgreSQL's timestamptz stores: z.iso.datetime
 * alone accepts year 0000, which PostgreSQL refuses.
 */
export const Timestamp = z.iso
  .datetime()
  .transform((s) => new Date(s))
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, {
    message: 'must be a time between the years 0001 and 9999',
  });

export const EventTypePatterns = z
  .array(
    z.string().refine(isValidEventTypePattern, {
      message: 'must be an event type (order.created), a wildcard (order.*) or *',
    }),
  )
  .max(100);

/**
 * Event type → the version an endpoint receives. Each pin must name a registered type and one of its
 * versions. No further reachability check is needed here: a version is always reachable from itself,
 * and from every later version, because the catalog refuses to load a version without `toPrevious`.
 * A pin the published version cannot reach (an upgrade that would have to invent data, such as
 * payment.succeeded 1.0 → 1.1) fails that one delivery, with the reason on its attempt. A pin for a
 * type the endpoint does not subscribe to is accepted and inert, so pins and patterns can change in
 * either order.
 * The cast narrows the compile-time type only, so the typed client cannot pin a version that does
 * not exist; the run-time check is the refinement.
 */
const maxVersionPins = 200;

export const VersionPins = z
  .record(z.string().max(200), z.string().max(20))
  .superRefine((pins, ctx) => {
    // Keys must be registered types, so the map can never hold more pins than the catalog has types;
    // far more than that is refused whole rather than answered with one problem per key.
    const entries = Object.entries(pins);
    if (entries.length > maxVersionPins) {
      ctx.addIssue({ code: 'custom', message: `at most ${maxVersionPins} pins, one per event type` });
      return;
    }
    for (const [type, version] of entries) {
      const registered = checkEventVersion(type, version);
      if (!registered.ok) ctx.addIssue({ code: 'custom', path: [type], message: registered.problem });
    }
  })
  .describe(
    'Event type → the version this endpoint receives, e.g. {"order.created": "1.0"}; other types arrive as published',
  ) as unknown as z.ZodType<TypedVersionPins, TypedVersionPins>;

/** An http(s) URL without credentials; where its host points is checked by the service (SSRF rules). */
export const EndpointUrl = z
  .string()
  .max(2048)
  .superRefine((url, ctx) => {
    const problem = endpointUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Delays before each retry, in seconds; fractions let tests run a schedule in milliseconds. */
export const RetrySchedule = z
  .array(
    z
      .number()
      .min(0)
      .max(7 * 24 * 3600),
  )
  .min(0)
  .max(50);

export const IdempotencyKey = Text.min(1).max(255);

/**
 * Events with the same ordering key reach each endpoint one at a time, in publish order
 * (docs/ordering.md). Bounded: the key is stored on the event and on each of its deliveries.
 */
export const OrderingKey = Text.min(1)
  .max(128)
  .describe('Deliveries of events with the same key reach each endpoint one at a time, in publish order');

// Event payloads are documents, not data structures: 32 levels is far beyond any real one, and the
// bound keeps every recursive walk over a payload (ours, zod's, the database's) far from the stack limit.
const maxJsonDepth = 32;

/**
 * A JSON value PostgreSQL's jsonb will store: no NUL character and no unpaired UTF-16 surrogate in
 * any string or key, and at most `maxJsonDepth` levels deep. Names the first offender (`data.items.0.note`).
 */
export const StorableJson = z.unknown().superRefine((value, ctx) => {
  const problem = findUnstorable(value);
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});

type Problem = { path: (string | number)[]; message: string };

// One mutable path, copied only when a problem is found: a payload of 80,000 small items is walked
// without allocating a path per item.
function findUnstorable(value: unknown, path: (string | number)[] = []): Problem | null {
  if (typeof value === 'string') {
    return isStorableString(value)
      ? null
      : { path: [...path], message: 'contains a NUL character or an unpaired surrogate, which JSON storage refuses' };
  }
  if (value === null || typeof value !== 'object') return null;
  if (path.length >= maxJsonDepth)
    return { path: [...path], message: `is nested more than ${maxJsonDepth} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const found = findUnstorable(value[i], path);
      path.pop();
      if (found) return found;
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    path.push(key);
    const found = !isStorableString(key)
      ? {
          path: [...path],
          message: 'has a key with a NUL character or an unpaired surrogate, which JSON storage refuses',
        }
      : findUnstorable((value as Record<string, unknown>)[key], path);
    path.pop();
    if (found) return found;
  }
  return null;
}

// isWellFormed() (Node 20) is false exactly for strings with an unpaired surrogate.
function isStorableString(s: string): boolean {
  return !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed();
}
