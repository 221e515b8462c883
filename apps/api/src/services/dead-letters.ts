import { deadLetterQueue, queueSchema } from '@hookline/queue';
import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { assertCanAccessApp, visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { DeadLetter } from '../dto/dead-letter';
import { requeueDeliveries } from './requeue-deliveries';

export type DeadLetterFilter = { appId?: string; endpointId?: string; type?: string; since?: Date; until?: Date };

// One replay call re-queues at most this many; the answer says how many are left for the next call.
export const maxReplayPerCall = 1_000;
const dryRunSampleSize = 10;

type Row = {
  id: string;
  cursor: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  endpoint_url: string;
  endpoint_enabled: boolean;
  app_id: string;
  attempts: number;
  delivery_status: DeadLetter['deliveryStatus'];
  error: string | null;
  rule: string | null;
  dead_lettered_at: Date | string;
};

/**
 * Dead letters still waiting for an operator (state `created`), newest first, joined to what they
 * name. The same shape of query README's "Dead letters with SQL" shows. A dead letter whose delivery
 * was deleted (with its endpoint) is not listed.
 */
function selectDeadLetters(where: SQL[], { limit, lock = false }: { limit?: number; lock?: boolean } = {}) {
  return sql`
    select j.id::text as id,
           to_char(j.created_on at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '_' || j.id::text as cursor,
           d.id as delivery_id, d.event_id, ev.type as event_type, d.endpoint_id, ep.url as endpoint_url,
           ep.enabled as endpoint_enabled, d.app_id, d.attempt_count as attempts, d.status as delivery_status,
           coalesce(j.source_output->>'error', j.source_output->>'message') as error,
           j.source_output->>'rule' as rule,
           j.created_on as dead_lettered_at
      from ${sql.identifier(queueSchema)}.job j
      join deliveries d on d.id = j.data->>'deliveryId'
      join events ev on ev.id = d.event_id
      join endpoints ep on ep.id = d.endpoint_id
     where j.name = ${deadLetterQueue} and j.state = 'created' and ${sql.join(where, sql` and `)}
     order by j.created_on desc, j.id desc
     ${limit === undefined ? sql`` : sql`limit ${limit}`}
     ${lock ? sql`for update of j` : sql``}`;
}

function filterConditions(principal: Principal, filter: DeadLetterFilter): SQL[] {
  if (filter.appId) assertCanAccessApp(principal, filter.appId);
  const appId = visibleAppId(principal) ?? filter.appId;
  return [
    sql`true`,
    ...(appId ? [sql`d.app_id = ${appId}`] : []),
    ...(filter.endpointId ? [sql`d.endpoint_id = ${filter.endpointId}`] : []),
    ...(filter.type ? [sql`ev.type = ${filter.type}`] : []),
    ...(filter.since ? [sql`j.created_on >= ${filter.since.toISOString()}::timestamptz`] : []),
    ...(filter.until ? [sql`j.created_on < ${filter.until.toISOString()}::timestamptz`] : []),
  ];
}

function toDeadLetterDto(row: Row): DeadLetter {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    eventId: row.event_id,
    eventType: row.event_type,
    endpointId: row.endpoint_id,
    endpointUrl: row.endpoint_url,
    appId: row.app_id,
    attempts: row.attempts,
    deliveryStatus: row.delivery_status,
    error: row.error,
    rule: row.rule,
    deadLetteredAt: new Date(row.dead_lettered_at).toISOString(),
  };
}

function parseCursor(cursor: string): { at: string; id: string } {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([0-9a-f-]{36})$/.exec(cursor);
  if (!match)
    throw new AppError('validation', 'cursor: not a cursor from deadLetters.list; pass nextCursor back unchanged', [
      { path: ['cursor'], message: 'invalid cursor' },
    ]);
  return { at: match[1]!, id: match[2]! };
}

export async function listDeadLetters(
  { db }: ApiDeps,
  principal: Principal,
  input: DeadLetterFilter & { cursor?: string; limit: number },
) {
  const where = filterConditions(principal, input);
  if (input.cursor) {
    const { at, id } = parseCursor(input.cursor);
    where.push(sql`(j.created_on, j.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = (await db.execute<Row>(selectDeadLetters(where, { limit: input.limit + 1 }))) as unknown as Row[];
  const items = rows.slice(0, input.limit);
  return {
    items: items.map(toDeadLetterDto),
    nextCursor: rows.length > input.limit ? items[items.length - 1]!.cursor : null,
  };
}

export type ReplayInput = { ids?: string[]; filter?: DeadLetterFilter; dryRun?: boolean };

/**
 * Replays dead letters chosen by id or by filter. A dry run changes nothing and answers how many
 * match and a sample of them; otherwise each matching delivery gets a manual attempt now and its dead
 * letters are settled (see requeueDeliveries), all in one transaction, at most `maxReplayPerCall` a call.
 */
export async function replayDeadLetters(deps: ApiDeps, principal: Principal, input: ReplayInput) {
  const where = filterConditions(principal, input.filter ?? {});
  if (input.ids)
    where.push(
      sql`j.id in ${sql`(${sql.join(
        input.ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`}`,
    );

  if (input.dryRun) {
    const rows = (await deps.db.execute<Row>(selectDeadLetters(where))) as unknown as Row[];
    return {
      dryRun: true as const,
      count: rows.length,
      endpointDisabled: rows.filter((r) => !r.endpoint_enabled).length,
      sample: rows.slice(0, dryRunSampleSize).map(toDeadLetterDto),
      notFound: notFound(input.ids, rows),
    };
  }

  return deps.db.transaction(async (tx) => {
    // Locking the dead letters makes a concurrent replay of the same ones wait, then find them settled.
    const rows = (await tx.execute<Row>(
      selectDeadLetters(where, { limit: maxReplayPerCall + 1, lock: true }),
    )) as unknown as Row[];
    const batch = rows.slice(0, maxReplayPerCall);
    const result = await requeueDeliveries(tx, deps.boss, [...new Set(batch.map((r) => r.delivery_id))]);
    return {
      dryRun: false as const,
      replayed: result.requeued.length,
      endpointDisabled: result.endpointDisabled.length,
      hasMore: rows.length > maxReplayPerCall,
      notFound: notFound(input.ids, rows),
    };
  });
}

/** Ids asked for that are not (or no longer) waiting dead letters the caller may see. */
function notFound(ids: string[] | undefined, rows: Row[]): string[] {
  if (!ids) return [];
  const found = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !found.has(id.toLowerCase()));
}
