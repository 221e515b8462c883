import { attemptTriggers, deadLetterLostReasons, deliveryStatuses, type attempts, type deliveries } from '@hookline/db';
import { z } from 'zod';

export const Attempt = z.object({
  id: z.string(),
  number: z.number().int(),
  startedAt: z.string().datetime(),
  durationMs: z.number().int(),
  responseStatus: z.number().int().nullable(),
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
  /** http_status, timeout, connection, dns, tls, aborted, endpoint_disabled or other; null on success. */
  errorClass: z.string().nullable(),
  /** The row of the retry classification that decided what came next. */
  rule: z.string(),
  /** When the next attempt is due; null when this attempt ended the delivery. */
  nextAttemptAt: z.string().datetime().nullable(),
  /** `scheduled` by the retry schedule, or `manual` (deliveries.retry, deadLetters.replay, events.resend). */
  trigger: z.enum(attemptTriggers),
});
type Attempt = z.infer<typeof Attempt>;

export const Delivery = z.object({
  id: z.string(),
  appId: z.string(),
  eventId: z.string(),
  endpointId: z.string(),
  status: z.enum(deliveryStatuses),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().datetime().nullable(),
  lastAttemptAt: z.string().datetime().nullable(),
  deadLetterLost: z
    .enum(deadLetterLostReasons)
    .nullable()
    .describe(
      'Why a failed delivery has no dead letter any more: expired (after the dead-letter retention) or removed (earlier, e.g. by hand); null otherwise. deliveries.retry still retries it.',
    ),
  createdAt: z.string().datetime(),
});
type Delivery = z.infer<typeof Delivery>;

export const DeliveryWithAttempts = Delivery.extend({ attempts: z.array(Attempt) });

export function toDeliveryDto(row: typeof deliveries.$inferSelect): Delivery {
  return {
    id: row.id,
    appId: row.appId,
    eventId: row.eventId,
    endpointId: row.endpointId,
    status: row.status,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deadLetterLost: row.deadLetterLost,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toAttemptDto(row: typeof attempts.$inferSelect): Attempt {
  return {
    id: row.id,
    number: row.number,
    startedAt: row.startedAt.toISOString(),
    durationMs: row.durationMs,
    responseStatus: row.responseStatus,
    responseBody: row.responseBody,
    error: row.error,
    errorClass: row.errorClass,
    rule: row.rule,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    trigger: row.trigger,
  };
}
