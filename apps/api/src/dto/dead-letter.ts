import { deliveryStatuses } from '@hookline/db';
import { z } from 'zod';

/**
 * A dead letter: a delivery job pg-boss copied into the `delivery-dead-letter` queue, joined to the
 * delivery, event and endpoint it names. `id` is the pg-boss job id (a UUID) in that queue.
 */
export const DeadLetter = z.object({
  id: z.string(),
  deliveryId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  endpointId: z.string(),
  endpointUrl: z.string(),
  appId: z.string(),
  /** Attempts the delivery has made so far; a replay makes attempt `attempts + 1`. */
  attempts: z.number().int(),
  deliveryStatus: z.enum(deliveryStatuses),
  /** The last attempt's error, as the worker (or pg-boss, for a lost job) recorded it. */
  error: z.string().nullable(),
  /** The retry rule that gave up (schedule_exhausted, gone, receiver_abort, endpoint_disabled). */
  rule: z.string().nullable(),
  deadLetteredAt: z.string().datetime(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
