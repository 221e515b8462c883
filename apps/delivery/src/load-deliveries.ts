import { deliveries, endpoints, events, type Database } from '@hookline/db';
import { eq, inArray } from 'drizzle-orm';

function selectDeliveries(db: Database, deliveryIds: string[]) {
  return db
    .select({
      delivery: { id: deliveries.id, appId: deliveries.appId, status: deliveries.status, attemptCount: deliveries.attemptCount },
      event: { id: events.id, type: events.type, version: events.version, data: events.data, createdAt: events.createdAt },
      endpoint: {
        id: endpoints.id,
        url: endpoints.url,
        enabled: endpoints.enabled,
        secrets: endpoints.secrets,
        versionPins: endpoints.versionPins,
        retrySchedule: endpoints.retrySchedule,
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
