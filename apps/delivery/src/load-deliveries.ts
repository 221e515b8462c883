import { attempts, deliveries, endpoints, events, type Database } from '@hookline/db';
import { and, eq, inArray, or, sql } from 'drizzle-orm';

function selectDeliveries(db: Database, deliveryIds: string[], payloadBudgetBytes: number) {
  // The payload text of the batch's rows before this one (in id order): a row comes with its payload
  // while that stays under the budget, so the first always does, and a batch of large events holds
  // about the budget in memory instead of batch size × payload size.
  const bytesBefore = sql`coalesce(sum(octet_length(${events.data}::text)) over (order by ${deliveries.id} rows between unbounded preceding and 1 preceding), 0)`;
  const fits = sql<boolean>`${bytesBefore} < ${payloadBudgetBytes}`;
  return db
    .select({
      fits,
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
        // The JSON text as stored, not parsed: it goes into the request body as it is (envelopeBody).
        dataJson: sql<string>`case when ${fits} then ${events.data}::text end`,
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

export type LoadedDelivery = Omit<Awaited<ReturnType<typeof selectDeliveries>>[number], 'fits'>;

export type LoadedBatch = {
  /** Everything an attempt needs, by delivery id. */
  loaded: Map<string, LoadedDelivery>;
  /** Deliveries that exist but whose payloads did not fit in the budget: for a later batch. */
  later: Set<string>;
};

/**
 * Everything an attempt needs (delivery, event, endpoint), for a whole batch in one query, with the
 * payloads up to `payloadBudgetBytes` of JSON text (at least one).
 */
export async function loadDeliveries(
  db: Database,
  deliveryIds: string[],
  payloadBudgetBytes: number,
): Promise<LoadedBatch> {
  const batch: LoadedBatch = { loaded: new Map(), later: new Set() };
  if (deliveryIds.length === 0) return batch;
  for (const { fits, ...row } of await selectDeliveries(db, deliveryIds, payloadBudgetBytes)) {
    if (fits) batch.loaded.set(row.delivery.id, row);
    else batch.later.add(row.delivery.id);
  }
  return batch;
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
