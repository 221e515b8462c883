import { checkEventVersion, isValidEventTypePattern, type VersionPins as TypedVersionPins } from '@hookline/schema';
import { z } from 'zod';

/** Ids are checked for shape only; whether they exist (and are visible) is the service's answer. */
export const Id = z.string().min(1).max(64);

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
export const VersionPins = z
  .record(z.string().max(200), z.string().max(20))
  .superRefine((pins, ctx) => {
    // Keys must be registered types, so the map can never hold more pins than the catalog has types.
    for (const [type, version] of Object.entries(pins)) {
      const registered = checkEventVersion(type, version);
      if (!registered.ok) ctx.addIssue({ code: 'custom', path: [type], message: registered.problem });
    }
  })
  .describe(
    'Event type → the version this endpoint receives, e.g. {"order.created": "1.0"}; other types arrive as published',
  ) as unknown as z.ZodType<TypedVersionPins, TypedVersionPins>;

export const EndpointUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:$/.test(new URL(u).protocol), { message: 'must be an http: or https: URL' });

/** Delays before each retry, in seconds; fractions let tests run a schedule in milliseconds. */
export const RetrySchedule = z.array(z.number().min(0).max(7 * 24 * 3600)).min(0).max(50);

export const IdempotencyKey = z.string().min(1).max(255);
