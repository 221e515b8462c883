import type { PublishableEvent } from '@hookline/schema';
import { classifyHooklineFailure } from './hookline-failure';

/** An outbox row as the relay reads it. */
export type OutboxRow = {
  id: string;
  appId: string;
  type: string;
  version: string;
  data: unknown;
  idempotencyKey: string | null;
  orderingKey: string | null;
};

/** One `events.publishBatch` call: the events of one application, answered item by item. */
export type PublishBatch = (
  appId: string,
  events: (PublishableEvent & { idempotencyKey: string; orderingKey?: string })[],
) => Promise<{ duplicate: boolean }[]>;

export type PublishOutcome = {
  /** Rows Hookline has stored (now or, for duplicates, before): delete them. */
  published: string[];
  /** Of those, how many Hookline already had: a retry after a crash or a lost answer. */
  duplicates: number;
  /** Rows Hookline will never accept as they are, with its reason: move them aside. */
  refused: { id: string; error: string }[];
  /** Set when Hookline could not be reached; the rows not listed above stay pending. */
  unavailable: string | null;
};

/** The key Hookline deduplicates on: the caller's own, else the row id (unique, and stable across retries). */
export const idempotencyKeyOf = (row: OutboxRow) => row.idempotencyKey ?? row.id;

/**
 * Publishes rows (oldest first) with `events.publishBatch`, one call per application. A batch that
 * Hookline refuses is narrowed down to the rows at fault, so one bad event never holds up the rest.
 * Stops at the first sign that Hookline is unavailable.
 */
export async function publishRows(publish: PublishBatch, rows: readonly OutboxRow[]): Promise<PublishOutcome> {
  const outcome: PublishOutcome = { published: [], duplicates: 0, refused: [], unavailable: null };
  for (const [appId, appRows] of groupByApp(rows)) {
    for (const round of roundsOfDistinctKeys(appRows)) {
      await publishRound(publish, appId, round, outcome);
      if (outcome.unavailable) return outcome;
    }
  }
  return outcome;
}

async function publishRound(publish: PublishBatch, appId: string, rows: OutboxRow[], outcome: PublishOutcome) {
  if (rows.length === 0 || outcome.unavailable) return;
  try {
    const results = await publish(
      appId,
      // The catalog checked these types when they were enqueued; Hookline checks the data again.
      rows.map((row) => ({
        type: row.type,
        version: row.version,
        data: row.data,
        idempotencyKey: idempotencyKeyOf(row),
        ...(row.orderingKey === null ? {} : { orderingKey: row.orderingKey }),
      })) as (PublishableEvent & { idempotencyKey: string; orderingKey?: string })[],
    );
    outcome.published.push(...rows.map((row) => row.id));
    outcome.duplicates += results.filter((r) => r.duplicate).length;
  } catch (error) {
    const failure = classifyHooklineFailure(error);
    if (failure.kind === 'unavailable') {
      outcome.unavailable = failure.message;
      return;
    }
    if (rows.length === 1) {
      const reason = failure.kind === 'refused' ? (failure.byIndex.get(0) ?? failure.message) : failure.message;
      outcome.refused.push({ id: rows[0]!.id, error: reason });
      return;
    }
    if (failure.kind === 'refused' && failure.byIndex.size > 0) {
      // Hookline named the items at fault: set them aside and send the others again.
      rows.forEach((row, i) => {
        const reason = failure.byIndex.get(i);
        if (reason !== undefined) outcome.refused.push({ id: row.id, error: reason });
      });
      await publishRound(
        publish,
        appId,
        rows.filter((_, i) => !failure.byIndex.has(i)),
        outcome,
      );
      return;
    }
    // Too large, or a refusal that names no item: halve until the culprits stand alone.
    const half = Math.ceil(rows.length / 2);
    await publishRound(publish, appId, rows.slice(0, half), outcome);
    await publishRound(publish, appId, rows.slice(half), outcome);
  }
}

/** Rows by application, applications in the order their first row appears, rows in order. */
function groupByApp(rows: readonly OutboxRow[]): Map<string, OutboxRow[]> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) groups.set(row.appId, [...(groups.get(row.appId) ?? []), row]);
  return groups;
}

/**
 * Hookline refuses a batch that names one idempotency key twice, so rows sharing a caller's key go
 * out in successive calls: the first is stored, the later ones are answered as its duplicates.
 */
function roundsOfDistinctKeys(rows: OutboxRow[]): OutboxRow[][] {
  const rounds: { keys: Set<string>; rows: OutboxRow[] }[] = [];
  for (const row of rows) {
    const key = idempotencyKeyOf(row);
    let round = rounds.find((r) => !r.keys.has(key));
    if (!round) rounds.push((round = { keys: new Set(), rows: [] }));
    round.keys.add(key);
    round.rows.push(row);
  }
  return rounds.map((r) => r.rows);
}
