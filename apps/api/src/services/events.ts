import { events } from '@hookline/db';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Principal } from '../auth/api-keys';
import { visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { notFound } from '../errors';
import { toEvent } from '../models/event';
import { toPage } from '../models/page';
import { getApplication } from './applications';

export async function getEvent({ db }: ApiDeps, principal: Principal, input: { eventId: string }) {
  const appId = visibleAppId(principal);
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, input.eventId), appId ? eq(events.appId, appId) : undefined));
  if (!row) throw notFound('event', input.eventId);
  return toEvent(row);
}

export async function listEvents(
  deps: ApiDeps,
  principal: Principal,
  input: { appId: string; type?: string; cursor?: string; limit: number },
) {
  await getApplication(deps, principal, { appId: input.appId });
  const rows = await deps.db
    .select()
    .from(events)
    .where(
      and(
        eq(events.appId, input.appId),
        input.type ? eq(events.type, input.type) : undefined,
        input.cursor ? lt(events.id, input.cursor) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(input.limit + 1);
  return toPage(rows, input.limit, toEvent);
}
