import { deliveryStatuses, type attempts, type deliveries } from '@hookline/db';
import { z } from 'zod';

export const Attempt = z.object({
  id: z.string(),
  number: z.number().int(),
  startedAt: z.string().datetime(),
  durationMs: z.number().int(),
  responseStatus: z.number().int().nullable(),
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
});
export type Attempt = z.infer<typeof Attempt>;

export const Delivery = z.object({
  id: z.string(),
  appId: z.string(),
  eventId: z.string(),
  endpointId: z.string(),
  status: z.enum(deliveryStatuses),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().datetime().nullable(),
  lastAttemptAt: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryWithAttempts = Delivery.extend({ attempts: z.array(Attempt) });

export function toDelivery(row: typeof deliveries.$inferSelect): Delivery {
  return {
    id: row.id,
    appId: row.appId,
    eventId: row.eventId,
    endpointId: row.endpointId,
    status: row.status,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toAttempt(row: typeof attempts.$inferSelect): Attempt {
  return {
    id: row.id,
    number: row.number,
    startedAt: row.startedAt.toISOString(),
    durationMs: row.durationMs,
    responseStatus: row.responseStatus,
    responseBody: row.responseBody,
    error: row.error,
  };
}
