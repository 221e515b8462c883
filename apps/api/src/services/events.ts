import { deliveries, events } from '@hookline/db';
import { createDeliveries } from '@hookline/pipeline';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { AppError, notFound } from '../errors';
import { toDeliveryDto } from '../dto/delivery';
import { toEventDto } from '../dto/event';
import { toPageDto } from '../dto/page';
import { getApplication } from './applications';
import { findEndpointRow } from './endpoints';

export async function getEvent({ db }: ApiDeps, principal: Principal, input: { eventId: string }) {
  const appId = visibleAppId(principal);
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, input.eventId), appId ? eq(events.appId, appId) : undefined));
  if (!row) throw notFound('event', input.eventId);
  return toEventDto(row);
}

export async function listEvents(
  deps: ApiDeps,
  principal: Principal,
  input: { appId: string; type?: string; since?: Date; until?: Date; cursor?: string; limit: number },
) {
  await getApplication(deps, principal, { appId: input.appId });
  const rows = await deps.db
    .select()
    .from(events)
    .where(
      and(
        eq(events.appId, input.appId),
        input.type ? eq(events.type, input.type) : undefined,
        input.since ? gte(events.createdAt, input.since) : undefined,
        input.until ? lt(events.createdAt, input.until) : undefined,
        input.cursor ? lt(events.id, input.cursor) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(input.limit + 1);
  return toPageDto(rows, input.limit, toEventDto);
}

/**
 * Sends an existing event to one of its application's endpoints again, as a new delivery whose first
 * attempt is marked manual. The endpoint need not subscribe to the type: the operator asked for it.
 * An event with an ordering key: the new delivery joins the end of its (endpoint, key) line.
 */
export async function resendEvent(deps: ApiDeps, principal: Principal, input: { eventId: string; endpointId: string }) {
  const event = await getEvent(deps, principal, { eventId: input.eventId });
  const endpoint = await findEndpointRow(deps, principal, input.endpointId);
  if (endpoint.appId !== event.appId) {
    // Seen from the event's application, another application's endpoint does not exist.
    throw notFound('endpoint', input.endpointId);
  }
  if (!endpoint.enabled) {
    throw new AppError(
      'conflict',
      `endpoint ${endpoint.id} is disabled; enable it with endpoints.update({ enabled: true }) first`,
    );
  }
  const [created] = await deps.db.transaction((tx) =>
    createDeliveries(
      tx,
      deps.boss,
      [{ appId: event.appId, eventId: event.id, endpointId: endpoint.id, orderingKey: event.orderingKey }],
      { manual: true },
    ),
  );
  const [row] = await deps.db.select().from(deliveries).where(eq(deliveries.id, created!.id));
  return toDeliveryDto(row!);
}
