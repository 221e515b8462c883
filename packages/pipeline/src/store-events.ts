import { deliveries, events, newId, type Transaction } from '@hookline/db';
import type { QueueClient } from './boss';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { createDeliveries, type DeliveryToCreate } from './create-deliveries';
import { subscribersMatcher, type Subscriber } from './match-subscribers';

/** An event whose data has already been checked against its (type, version) schema. */
export type EventToStore = {
  type: string;
  version: string;
  data: unknown;
  idempotencyKey?: string;
  /** Deliveries of events with the same key go to each endpoint one at a time, in publish order. */
  orderingKey?: string;
  /** The id to store it under, made before the transaction so a caller can be told it if the commit's outcome is lost. */
  id?: string;
};

export type StoredEvent = {
  id: string;
  /** True when the idempotency key was seen before: this is the first event, and nothing new was created. */
  duplicate: boolean;
  deliveries: { id: string; endpointId: string }[];
};

/**
 * Stores events of one application and fans them out inside `tx`: the events, one delivery per
 * enabled endpoint subscribed to the type whose payload filter the event passes, and one pg-boss job
 * per delivery (or, for an event with an ordering key, a place in its line; see ordering-lines.ts).
 * An item whose idempotency key was stored before creates nothing and answers with the first event.
 */
export async function storeEvents(
  tx: Transaction,
  boss: QueueClient,
  batch: { appId: string; items: EventToStore[] },
): Promise<StoredEvent[]> {
  const [stored] = await storeEventsOfApps(tx, boss, [batch]);
  return stored!;
}

/**
 * `storeEvents` for several applications in one transaction (a publish group): each application's
 * events are stored and matched to its endpoints, then every delivery is created at once, so the
 * transaction takes all its ordering lines' locks in one statement, before any row lock.
 */
export async function storeEventsOfApps(
  tx: Transaction,
  boss: QueueClient,
  batches: { appId: string; items: EventToStore[] }[],
): Promise<StoredEvent[][]> {
  const fannedOut: FannedOut[] = [];
  for (const batch of batches) fannedOut.push(await insertAndMatch(tx, batch));
  const created = await createDeliveries(
    tx,
    boss,
    fannedOut.flatMap((f) => f.toCreate),
  );
  const byEvent = new Map<string, { id: string; endpointId: string }[]>();
  for (const d of created) {
    const delivery = { id: d.id, endpointId: d.endpointId };
    const list = byEvent.get(d.eventId);
    if (list) list.push(delivery);
    else byEvent.set(d.eventId, [delivery]);
  }
  return fannedOut.map(({ items, freshIds, insertedAt, firstSeen }) =>
    items.map((e, i): StoredEvent => {
      const id = freshIds[i]!;
      if (insertedAt.has(id)) return { id, duplicate: false, deliveries: byEvent.get(id) ?? [] };
      const existing = firstSeen.get(e.idempotencyKey!);
      if (!existing) throw new Error(`event ${i} was neither inserted nor found by its idempotency key`);
      return { id: existing.id, duplicate: true, deliveries: existing.deliveries };
    }),
  );
}

type FannedOut = {
  items: EventToStore[];
  freshIds: string[];
  insertedAt: Map<string, string>;
  firstSeen: Awaited<ReturnType<typeof findByIdempotencyKeys>>;
  toCreate: DeliveryToCreate[];
};

/** Inserts one application's events and lists the deliveries they need, in item order. */
async function insertAndMatch(
  tx: Transaction,
  { appId, items }: { appId: string; items: EventToStore[] },
): Promise<FannedOut> {
  // Every item gets an id; one whose key was stored before loses the insert's ON CONFLICT and is
  // answered with the first event below. No lookup first: publishing is the hottest path, and one
  // statement here both stores the events and reads the subscribed endpoints (a round trip each saved).
  const freshIds = items.map((e) => e.id ?? newId('evt'));
  const rows = items.map((e, i) => ({
    id: freshIds[i],
    type: e.type,
    version: e.version,
    data: e.data,
    idempotency_key: e.idempotencyKey ?? null,
    ordering_key: e.orderingKey ?? null,
  }));
  const [result] = (await tx.execute(sql`
    with inserted as (
      insert into events (id, app_id, type, version, data, idempotency_key, ordering_key)
      select x.id, ${appId}, x.type, x.version, x.data, x.idempotency_key, x.ordering_key
        from json_to_recordset(${JSON.stringify(rows)}::json)
             as x(id text, type text, version text, data json, idempotency_key text, ordering_key text)
      on conflict (app_id, idempotency_key) where idempotency_key is not null do nothing
      returning id, created_at)
    select (select coalesce(json_object_agg(id, created_at), '{}'::json) from inserted) as inserted,
           -- Disabled endpoints are skipped here, so an endpoint that was switched off gets nothing new.
           (select coalesce(json_agg(json_build_object('id', id, 'eventTypes', event_types,
                                                       'versionPins', version_pins, 'filter', filter)), '[]'::json)
              from endpoints where app_id = ${appId} and enabled) as subscribers`)) as unknown as {
    /** Event id → its created_at (the envelope's timestamp, which a filter may test). */
    inserted: Record<string, string>;
    subscribers: Subscriber[];
  }[];
  const insertedAt = new Map(Object.entries(result!.inserted));
  const subscribersOf = subscribersMatcher(result!.subscribers);

  // A key stored before (or by a concurrent publish that won the race): answer with that event.
  const firstSeen = await findByIdempotencyKeys(
    tx,
    appId,
    items.flatMap((e, i) =>
      !insertedAt.has(freshIds[i]!) && e.idempotencyKey !== undefined ? [e.idempotencyKey] : [],
    ),
  );

  const toCreate: DeliveryToCreate[] = [];
  items.forEach((e, i) => {
    const id = freshIds[i]!;
    const createdAt = insertedAt.get(id);
    if (createdAt === undefined) return;
    const orderingKey = e.orderingKey ?? null;
    for (const endpointId of subscribersOf({ id, type: e.type, version: e.version, data: e.data, createdAt }))
      toCreate.push({ appId, eventId: id, endpointId, orderingKey });
  });
  return { items, freshIds, insertedAt, firstSeen, toCreate };
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
    .where(
      inArray(
        deliveries.eventId,
        rows.map((r) => r.id),
      ),
    );
  for (const row of rows) {
    found.set(row.key!, {
      id: row.id,
      deliveries: existingDeliveries
        .filter((d) => d.eventId === row.id)
        .map(({ id, endpointId }) => ({ id, endpointId })),
    });
  }
  return found;
}
