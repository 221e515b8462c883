import { isValidEventTypePattern } from '@hookline/schema';
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

export const EndpointUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:$/.test(new URL(u).protocol), { message: 'must be an http: or https: URL' });

/** Delays before each retry, in seconds; fractions let tests run a schedule in milliseconds. */
export const RetrySchedule = z.array(z.number().min(0).max(7 * 24 * 3600)).min(0).max(50);

export const IdempotencyKey = z.string().min(1).max(255);
