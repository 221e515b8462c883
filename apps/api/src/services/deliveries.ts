import { attempts, deliveries, endpoints, type DeliveryStatus } from '@hookline/db';
import { requeueDeliveries } from '@hookline/pipeline';
import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { AppError, notFound } from '../errors';
import { toAttemptDto, toDeliveryDto } from '../dto/delivery';
import { toPageDto } from '../dto/page';
import { findEndpointRow } from './endpoints';
import { getEvent } from './events';

export async function listDeliveries(
  deps: ApiDeps,
  principal: Principal,
  input: { eventId?: string; endpointId?: string; status?: DeliveryStatus; cursor?: string; limit: number },
) {
  // A filter naming an event or endpoint the caller cannot see answers 404, like any other id.
  if (input.eventId !== undefined) await getEvent(deps, principal, { eventId: input.eventId });
  if (input.endpointId !== undefined) await findEndpointRow(deps, principal, input.endpointId);
  const appId = visibleAppId(principal);
  const rows = await deps.db
    .select()
    .from(deliveries)
    .where(
      and(
        appId ? eq(deliveries.appId, appId) : undefined,
        input.eventId ? eq(deliveries.eventId, input.eventId) : undefined,
        input.endpointId ? eq(deliveries.endpointId, input.endpointId) : undefined,
        input.status ? eq(deliveries.status, input.status) : undefined,
        input.cursor ? lt(deliveries.id, input.cursor) : undefined,
      ),
    )
    .orderBy(desc(deliveries.id))
    .limit(input.limit + 1);
  return toPageDto(rows, input.limit, toDeliveryDto);
}

export async function getDelivery({ db }: ApiDeps, principal: Principal, input: { deliveryId: string }) {
  const appId = visibleAppId(principal);
  const [row] = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.id, input.deliveryId), appId ? eq(deliveries.appId, appId) : undefined));
  if (!row) throw notFound('delivery', input.deliveryId);
  const attemptRows = await db
    .select()
    .from(attempts)
    .where(eq(attempts.deliveryId, row.id))
    .orderBy(asc(attempts.number), asc(attempts.startedAt));
  return { ...toDeliveryDto(row), attempts: attemptRows.map(toAttemptDto) };
}

/**
 * Sends a delivery again now, whatever its state: a manual attempt that continues its count. A
 * pending delivery's next scheduled attempt is pulled forward (the scheduled job then stands down); a
 * failed one leaves the dead-letter queue.
 */
export async function retryDelivery(deps: ApiDeps, principal: Principal, input: { deliveryId: string }) {
  const appId = visibleAppId(principal);
  const [found] = await deps.db
    .select({ id: deliveries.id, endpointId: deliveries.endpointId, enabled: endpoints.enabled })
    .from(deliveries)
    .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
    .where(and(eq(deliveries.id, input.deliveryId), appId ? eq(deliveries.appId, appId) : undefined));
  if (!found) throw notFound('delivery', input.deliveryId);
  const result = await deps.db.transaction((tx) => requeueDeliveries(tx, deps.boss, [found.id]));
  if (result.endpointDisabled.length > 0) {
    throw new AppError(
      'conflict',
      `endpoint ${found.endpointId} is disabled; enable it with endpoints.update({ enabled: true }) first`,
    );
  }
  const [row] = await deps.db.select().from(deliveries).where(eq(deliveries.id, found.id));
  return toDeliveryDto(row!);
}
