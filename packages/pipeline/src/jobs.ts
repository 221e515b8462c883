import { z } from 'zod';

/**
 * A delivery job names what to do, never the event body (Svix's MessageV1): the worker loads
 * fresh state, so an endpoint disabled or deleted meanwhile is seen. `v` lets a newer worker
 * recognise payloads written by an older API during a rolling deploy.
 */
export const DeliveryJob = z.object({
  v: z.literal(1),
  deliveryId: z.string(),
  /** Which attempt this job makes, from 1; a job whose attempt is already recorded is a duplicate. */
  attempt: z.number().int().min(1),
  /** Set when an operator asked for this attempt (retry, replay) rather than the schedule. */
  manual: z.boolean().optional(),
  /** How many times this attempt was put back because its endpoint was congested (not an attempt). */
  deferrals: z.number().int().min(0).optional(),
});
export type DeliveryJob = z.infer<typeof DeliveryJob>;
