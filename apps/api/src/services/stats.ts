import { attempts, deliveries, endpoints, type Database } from '@hookline/db';
import { countDeadLetters, tableBytes, type TableBytes } from '@hookline/pipeline';
import { and, count, eq, gte, sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { assertAdmin, visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import type { Overview } from '../dto/overview';
import { getApplication } from './applications';

/**
 * What Hookline's and pg-boss's tables occupy on disk (indexes included), for an operator watching
 * retention keep storage bounded. Admin only: the sizes are the whole installation's.
 */
export async function tableSizes(db: Database, principal: Principal): Promise<{ tables: TableBytes[] }> {
  assertAdmin(principal);
  return { tables: await tableBytes(db) };
}

// Long enough to smooth a burst, short enough to show a stall within a minute.
const rateWindowSeconds = 60;

/**
 * The console's overview: each figure counted over one application, or over every application the
 * caller may see (an application key: its own; an admin key: all). Naming another tenant's application
 * answers 404, as everywhere.
 */
export async function getOverview(deps: ApiDeps, principal: Principal, input: { appId?: string }): Promise<Overview> {
  if (input.appId) await getApplication(deps, principal, { appId: input.appId });
  const appId = input.appId ?? visibleAppId(principal);
  const { db } = deps;
  const since = new Date(Date.now() - rateWindowSeconds * 1000);

  const [[pending], [recent], [endpointCounts], deadLetters] = await Promise.all([
    db
      .select({ n: count() })
      .from(deliveries)
      .where(and(eq(deliveries.status, 'pending'), appId ? eq(deliveries.appId, appId) : undefined)),
    db
      .select({ n: count() })
      .from(attempts)
      .innerJoin(deliveries, eq(deliveries.id, attempts.deliveryId))
      .where(and(gte(attempts.startedAt, since), appId ? eq(deliveries.appId, appId) : undefined)),
    db
      .select({
        all: count(),
        disabled: sql<number>`count(*) filter (where not ${endpoints.enabled})`.mapWith(Number),
      })
      .from(endpoints)
      .where(appId ? eq(endpoints.appId, appId) : undefined),
    countDeadLetters(db, appId ? { appId } : {}).then((counted) => counted.count),
  ]);
  return {
    appId: input.appId ?? null,
    queueDepth: pending?.n ?? 0,
    deliveriesPerSecond: Math.round(((recent?.n ?? 0) / rateWindowSeconds) * 100) / 100,
    windowSeconds: rateWindowSeconds,
    deadLetters,
    disabledEndpoints: endpointCounts?.disabled ?? 0,
    endpoints: endpointCounts?.all ?? 0,
  };
}
