import { attempts, deliveries, endpoints, events, type Database } from '@hookline/db';
import { and, eq, inArray, or } from 'drizzle-orm';

function selectDeliveries(db: Database, deliveryIds: string[]) {
  return db
    .select({
      delivery: {
        id: deliveries.id,
        appId: deliveries.appId,
        eventId: deliveries.eventId,
        endpointId: deliveries.endpointId,
        status: deliveries.status,
        attemptCount: deliveries.attemptCount,
        orderingKey: deliveries.orderingKey,
      },
      event: {
        id: events.id,
        type: events.type,
        version: events.version,
        data: events.data,
        createdAt: events.createdAt,
      },
      endpoint: {
        id: endpoints.id,
        url: endpoints.url,
        enabled: endpoints.enabled,
        signingKeys: endpoints.signingKeys,
        headers: endpoints.headers,
        versionPins: endpoints.versionPins,
        retrySchedule: endpoints.retrySchedule,
        rateLimit: endpoints.rateLimit,
        maxInFlight: endpoints.maxInFlight,
        // Read without a lock: only a hint of whether a success needs to reset the failure count.
        consecutiveFailures: endpoints.consecutiveFailures,
      },
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
    .where(inArray(deliveries.id, deliveryIds));
}

export type LoadedDelivery = Awaited<ReturnType<typeof selectDeliveries>>[number];

/** Everything an attempt needs (delivery, event, endpoint), for a whole batch in one query. */
export async function loadDeliveries(db: Database, deliveryIds: string[]): Promise<Map<string, LoadedDelivery>> {
  if (deliveryIds.length === 0) return new Map();
  const rows = await selectDeliveries(db, deliveryIds);
  return new Map(rows.map((row) => [row.delivery.id, row]));
}

export type RecordedAttempt = { jobId: string | null; rule: string; error: string | null };

/**
 * The recorded attempts with these (delivery, number) pairs, keyed `deliveryId:number`. Only jobs
 * whose attempt is already recorded ask, which is rare: a re-run after a crash, or a duplicate.
 */
export async function loadRecordedAttempts(
  db: Database,
  keys: { deliveryId: string; attempt: number }[],
): Promise<Map<string, RecordedAttempt>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select({
      deliveryId: attempts.deliveryId,
      number: attempts.number,
      jobId: attempts.jobId,
      rule: attempts.rule,
      error: attempts.error,
    })
    .from(attempts)
    .where(or(...keys.map((k) => and(eq(attempts.deliveryId, k.deliveryId), eq(attempts.number, k.attempt)))));
  return new Map(
    rows.map((r) => [attemptKey(r.deliveryId, r.number), { jobId: r.jobId, rule: r.rule, error: r.error }]),
  );
}

export const attemptKey = (deliveryId: string, attempt: number) => `${deliveryId}:${attempt}`;
