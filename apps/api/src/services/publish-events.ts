import { deliveries, endpoints, events, newId, type Transaction } from '@hookline/db';
import { bossDb, deliveryQueue, type DeliveryJob } from '@hookline/queue';
import { matchesEventType, validateEventData } from '@hookline/schema';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Principal } from '../auth/api-keys';
import type { ApiDeps } from '../context';
import { AppError, describeIssues, type ValidationIssue } from '../errors';
import { getApplication } from './applications';

export type EventToPublish = { type: string; version: string; data: unknown; idempotencyKey?: string };

export type PublishedEvent = {
  id: string;
  /** True when the idempotency key was seen before: this is the first event, and nothing new was created. */
  duplicate: boolean;
  deliveries: { id: string; endpointId: string }[];
  warnings: string[];
};

// Postgres allows 65,535 bind parameters a statement; a delivery row uses 4.
const deliveryRowsPerInsert = 5_000;

/**
 * Stores events and fans them out, all in one transaction (DESIGN.md step 3): the events, one
 * delivery per subscribed endpoint, and one pg-boss job per delivery commit together or not at all.
 * `pathPrefix` lets a batch name the failing item (`events.3.data.amount`).
 */
export async function publishEvents(
  deps: ApiDeps,
  principal: Principal,
  { appId, items, pathPrefix }: { appId: string; items: EventToPublish[]; pathPrefix: (index: number) => (string | number)[] },
): Promise<PublishedEvent[]> {
  await getApplication(deps, principal, { appId });

  const issues: ValidationIssue[] = [];
  const validated = items.map((item, index) => {
    const result = validateEventData(item.type, item.version, item.data);
    if (!result.ok) {
      issues.push(...result.issues.map((i) => ({ path: [...pathPrefix(index), ...i.path], message: i.message })));
      return null;
    }
    return { ...item, data: result.data, deprecated: result.deprecated };
  });
  if (issues.length > 0) throw new AppError('validation', describeIssues(issues), issues);
  const ready = validated as NonNullable<(typeof validated)[number]>[];

  const keys = ready.map((e) => e.idempotencyKey).filter((k): k is string => k !== undefined);
  if (new Set(keys).size !== keys.length) {
    throw new AppError('validation', 'idempotencyKey: the same key appears twice in one batch');
  }

  return deps.db.transaction(async (tx) => {
    const firstSeen = await findByIdempotencyKeys(tx, appId, keys);
    // The id each item will get if it is new; items whose key was seen before get none.
    const freshIds = ready.map((e) =>
      e.idempotencyKey !== undefined && firstSeen.has(e.idempotencyKey) ? null : newId('evt'),
    );

    const inserted = new Set<string>();
    const toInsert = ready.flatMap((e, i) => {
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

    const subscribers = await tx
      .select({ id: endpoints.id, eventTypes: endpoints.eventTypes })
      .from(endpoints)
      .where(and(eq(endpoints.appId, appId), eq(endpoints.enabled, true)));

    const newDeliveries: (typeof deliveries.$inferInsert)[] = [];
    const results = ready.map((e, i): PublishedEvent => {
      const warnings = e.deprecated ? [`${e.type} ${e.version} is deprecated; eventTypes.get({ type: '${e.type}' }) shows the versions to publish instead`] : [];
      const id = freshIds[i];
      if (id && inserted.has(id)) {
        const out = subscribers
          .filter((endpoint) => matchesEventType(endpoint.eventTypes, e.type))
          .map((endpoint) => ({ id: newId('dlv'), endpointId: endpoint.id }));
        for (const d of out) newDeliveries.push({ id: d.id, appId, eventId: id, endpointId: d.endpointId });
        return { id, duplicate: false, deliveries: out, warnings };
      }
      const existing = firstSeen.get(e.idempotencyKey!);
      if (!existing) throw new Error(`event ${i} was neither inserted nor found by its idempotency key`);
      return { id: existing.id, duplicate: true, deliveries: existing.deliveries, warnings };
    });

    await insertDeliveriesAndJobs(deps, tx, newDeliveries);
    return results;
  });
}

async function insertDeliveriesAndJobs(deps: ApiDeps, tx: Transaction, rows: (typeof deliveries.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += deliveryRowsPerInsert) {
    await tx.insert(deliveries).values(rows.slice(i, i + deliveryRowsPerInsert));
  }
  if (rows.length === 0) return;
  const jobs = rows.map((row) => ({ data: { v: 1, deliveryId: row.id, attempt: 1 } satisfies DeliveryJob }));
  await deps.boss.insert(deliveryQueue, jobs, { db: bossDb(tx) });
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
