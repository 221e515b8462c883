import {
  countDeadLetters,
  findDeadLetters,
  parseDeadLetterCursor,
  requeueDeliveries,
  type DeadLetterCursor,
  type DeadLetterFilter as PipelineDeadLetterFilter,
  type WaitingDeadLetter,
} from '@hookline/pipeline';
import type { Principal } from '../auth/principal';
import { assertCanAccessApp, visibleAppId } from '../auth/scope';
import type { ApiDeps } from '../context';
import { AppError } from '../errors';
import type { DeadLetter } from '../dto/dead-letter';

export type DeadLetterFilter = { appId?: string; endpointId?: string; type?: string; since?: Date; until?: Date };

// One replay call re-queues at most this many; the answer says how many are left for the next call.
export const maxReplayPerCall = 1_000;
const dryRunSampleSize = 10;

/**
 * The caller's filter as pipeline's: an application key only ever sees its own application, and
 * naming another answers 404.
 */
function visibleFilter(principal: Principal, filter: DeadLetterFilter): PipelineDeadLetterFilter {
  if (filter.appId) assertCanAccessApp(principal, filter.appId);
  const { endpointId, type, since, until } = filter;
  return { appId: visibleAppId(principal) ?? filter.appId, endpointId, type, since, until };
}

/** The wire shape: the pipeline's dead letter without its listing position and endpoint state, its time as ISO text. */
function toDeadLetterDto(found: WaitingDeadLetter): DeadLetter {
  const { cursor: _cursor, endpointEnabled: _endpointEnabled, deadLetteredAt, ...fields } = found;
  return { ...fields, deadLetteredAt: deadLetteredAt.toISOString() };
}

function parseCursor(cursor: string): DeadLetterCursor {
  const parsed = parseDeadLetterCursor(cursor);
  if (!parsed)
    throw new AppError('validation', 'cursor: not a cursor from deadLetters.list; pass nextCursor back unchanged', [
      { path: ['cursor'], message: 'invalid cursor' },
    ]);
  return parsed;
}

export async function listDeadLetters(
  { db }: ApiDeps,
  principal: Principal,
  input: DeadLetterFilter & { cursor?: string; limit: number },
) {
  const filter = visibleFilter(principal, input);
  if (input.cursor) filter.after = parseCursor(input.cursor);
  const found = await findDeadLetters(db, filter, { limit: input.limit + 1 });
  const items = found.slice(0, input.limit);
  return {
    items: items.map(toDeadLetterDto),
    nextCursor: found.length > input.limit ? items[items.length - 1]!.cursor : null,
  };
}

export type ReplayInput = { ids?: string[]; filter?: DeadLetterFilter; dryRun?: boolean };

/**
 * Replays dead letters chosen by id or by filter. A dry run changes nothing and answers how many
 * match and a sample of them; otherwise each matching delivery gets a manual attempt now and its dead
 * letters are settled (see requeueDeliveries), all in one transaction, at most `maxReplayPerCall` a call.
 */
export async function replayDeadLetters(deps: ApiDeps, principal: Principal, input: ReplayInput) {
  const filter = visibleFilter(principal, input.filter ?? {});
  if (input.ids) filter.ids = input.ids;

  if (input.dryRun) {
    // Counted in SQL; only the sample is loaded, or, for a list of ids (at most maxReplayPerCall), the
    // ones asked for, to say which were not found.
    const [counts, rows] = await Promise.all([
      countDeadLetters(deps.db, filter),
      findDeadLetters(deps.db, filter, { limit: input.ids ? undefined : dryRunSampleSize }),
    ]);
    return {
      dryRun: true as const,
      ...counts,
      sample: rows.slice(0, dryRunSampleSize).map(toDeadLetterDto),
      notFound: notFound(input.ids, rows),
    };
  }

  return deps.db.transaction(async (tx) => {
    // Locking the dead letters makes a concurrent replay of the same ones wait, then find them settled.
    const rows = await findDeadLetters(tx, filter, { limit: maxReplayPerCall + 1, lock: true });
    const batch = rows.slice(0, maxReplayPerCall);
    const result = await requeueDeliveries(tx, deps.boss, [...new Set(batch.map((r) => r.deliveryId))]);
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
function notFound(ids: string[] | undefined, rows: WaitingDeadLetter[]): string[] {
  if (!ids) return [];
  const found = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !found.has(id.toLowerCase()));
}
