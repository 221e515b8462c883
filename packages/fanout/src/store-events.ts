import { deliveries, endpoints, events, newId, type Transaction } from '@hookline/db';
import type { QueueClient } from '@hookline/queue';
import { matchesEventType } from '@hookline/schema';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { createDeliveries, type DeliveryToCreate } from './create-deliveries';

/** An event whose data has already been checked against its (type, version) schema. */
export type EventToStore = { type: string; version: string; data: unknown; idempotencyKey?: string };

export type StoredEvent = {
  id: string;
  /** True when the idempotency key was seen before: this is the first event, and nothing new was created. */
  duplicate: boolean;
  deliveries: { id: string; endpointId: string }[];
};

/**
 * Stores events of one application and fans them out inside `tx`: the events, one delivery per
 * enabled endpoint subscribed to the type, and one pg-boss job per delivery. An item whose
 * idempotency key was stored before creates nothing and answers with the first event.
 */
export async function storeEvents(
  tx: Transaction,
  boss: QueueClient,
  { appId, items }: { appId: string; items: EventToStore[] },
): Promise<StoredEvent[]> {
  const keys = items.map((e) => e.idempotencyKey).filter((k): k is string => k !== undefined);
  const firstSeen = await findByIdempotencyKeys(tx, appId, keys);
  // The id each item will get if it is new; items whose key was seen before get none.
  const freshIds = items.map((e) => (e.idempotencyKey !== undefined && firstSeen.has(e.idempotencyKey) ? null : newId('evt')));

  const inserted = new Set<string>();
  const toInsert = items.flatMap((e, i) => {
    const id = freshIds[i];
    return id ? [{ id, appId, type: e.type, version: e.version, data: e.data, idempotencyKey: e.idempotencyKey }] : [];
  });
  if (toInsert.length > 0) {
    const rows = await tx
      .insert(events)
      .values(toInsert)
      .onConflictDoNothing({ target: [events.appId, events.idempotencyKey], where: sql`${events.idempotencyKey} is not null` })
      .returning({ id: events.id });
    for (const row of rows) inserted.add(row.id);
  }
  // A concurrent publish with the same key won the race: answer with its event instead.
  const lostRace = toInsert.filter((e) => !inserted.has(e.id)).map((e) => e.idempotencyKey!);
  if (lostRace.length > 0) {
    for (const [key, event] of await findByIdempotencyKeys(tx, appId, lostRace)) firstSeen.set(key, event);
  }

  // Disabled endpoints are skipped here, so an endpoint that was switched off gets nothing new.
  const subscribers = await tx
    .select({ id: endpoints.id, eventTypes: endpoints.eventTypes })
    .from(endpoints)
    .where(and(eq(endpoints.appId, appId), eq(endpoints.enabled, true)));

  const toCreate: DeliveryToCreate[] = [];
  items.forEach((e, i) => {
    const id = freshIds[i];
    if (!id || !inserted.has(id)) return;
    for (const endpoint of subscribers) {
      if (matchesEventType(endpoint.eventTypes, e.type)) toCreate.push({ appId, eventId: id, endpointId: endpoint.id });
    }
  });
  const created = await createDeliveries(tx, boss, toCreate);
  const byEvent = new Map<string, { id: string; endpointId: string }[]>();
  for (const d of created) byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), { id: d.id, endpointId: d.endpointId }]);

  return items.map((e, i): StoredEvent => {
    const id = freshIds[i];
    if (id && inserted.has(id)) return { id, duplicate: false, deliveries: byEvent.get(id) ?? [] };
    const existing = firstSeen.get(e.idempotencyKey!);
    if (!existing) throw new Error(`event ${i} was neither inserted nor found by its idempotency key`);
    return { id: existing.id, duplicate: true, deliveries: existing.deliveries };
  });
}

/** The first event stored under each key, with the deliveries it created. */
async function findByIdempotencyKeys(tx: Transaction, appId: string, keys: string[]) {
  const found = new Map<string, { id: string; deliveries: { id: string; endpointId: string }[] }>();
  if (keys.length === 0) return found;
  const rows = await tx
    .select({ id: events.id, key: events.idempotencyKey })
    .from(events)
    .where(and(eq(events.appId, appId), inArray(events.idempotencyKey, keys)));
  if (rows.length === 0) return found;
  const existingDeliveries = await tx
    .select({ id: deliveries.id, endpointId: deliveries.endpointId, eventId: deliveries.eventId })
    .from(deliveries)
    .where(inArray(deliveries.eventId, rows.map((r) => r.id)));
  for (const row of rows) {
    found.set(row.key!, {
      id: row.id,
      deliveries: existingDeliveries.filter((d) => d.eventId === row.id).map(({ id, endpointId }) => ({ id, endpointId })),
    });
  }
  return found;
}
