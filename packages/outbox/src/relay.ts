import { createHooklineClient, type HooklineClient, type HooklineClientOptions } from '@hookline/client';
import type { Log } from '@hookline/log';
import postgres, { type Sql } from 'postgres';
import { backoffDelayMs, relayBackoff } from './backoff';
import { notifyChannel, qualifiedName, resolveOutboxLocation, type OutboxLocation } from './outbox-location';
import { publishRows, type OutboxRow, type PublishBatch } from './publish-rows';

export type OutboxRelayOptions = {
  /** The caller's database (where the outbox table is): a URL, or a postgres.js client the relay borrows. */
  database: string | Sql;
  /** Where to publish: a client, or its settings (the relay then retries on its own schedule, not the client's). */
  hookline: HooklineClient | HooklineClientOptions;
  /** The outbox's `{ schema, table }` (`defineOutbox(…).location`); `public.hookline_outbox` when left out. */
  outbox?: Partial<OutboxLocation>;
  /** Rows taken (and locked) per transaction; at most 1,000, Hookline's batch limit. */
  batchSize?: number;
  /** Look for rows this often even without a notification (one missed while reconnecting, say). */
  pollIntervalMs?: number;
  /** Pauses after failures: `firstDelayMs`, doubling up to `maxDelayMs`. */
  backoff?: { firstDelayMs: number; maxDelayMs: number };
  /** Log a progress line (published, failed, lag) this often while there is progress to report. */
  progressIntervalMs?: number;
  log?: Log;
};

export type OutboxRelayStats = {
  /** Events Hookline stored from this relay (duplicates included). */
  published: number;
  /** Of those, events Hookline already had: republished after a crash or a lost answer, stored once. */
  duplicates: number;
  /** Rows Hookline refused (400/404), moved to state `failed` with its reason. */
  failed: number;
  /**
   * Enqueue of the oldest row in the last batch published (its transaction's start, by the database's
   * clock) → Hookline's answer, in ms; null before the first batch.
   */
  lagMs: number | null;
  /** Since when Hookline (or the outbox's database) has been failing; null while all is well. */
  unavailableSince: Date | null;
};

export type OutboxRelay = {
  stats(): OutboxRelayStats;
  /** Age in ms of the oldest pending row, from the database's clock; null when the outbox is empty. */
  pendingAgeMs(): Promise<number | null>;
  /** Finishes the batch under way, then stops. */
  stop(): Promise<void>;
};

const defaults = { batchSize: 100, pollIntervalMs: 1_000, progressIntervalMs: 60_000 } as const;
const maxBatchSize = 1_000;

type SelectedRow = {
  id: string;
  app_id: string;
  type: string;
  version: string;
  data: unknown;
  idempotency_key: string | null;
  ordering_key: string | null;
  age_ms: number;
};

/**
 * Relays committed outbox rows into Hookline, oldest first: takes a batch with `FOR UPDATE SKIP
 * LOCKED` (so relays never take the same row and may run side by side), publishes it with
 * `events.publishBatch` under each row's idempotency key, and deletes it in the same transaction.
 * A crash between the publish and the commit leaves the rows to be published again, which Hookline
 * answers as duplicates: each committed event is stored in Hookline exactly once.
 * Woken by NOTIFY from `enqueue`, with a poll as a fallback; pauses with back-off while Hookline is down.
 */
export async function startOutboxRelay(options: OutboxRelayOptions): Promise<OutboxRelay> {
  const location = resolveOutboxLocation(options.outbox);
  const batchSize = Math.max(1, Math.min(Math.floor(options.batchSize ?? defaults.batchSize), maxBatchSize));
  const pollIntervalMs = options.pollIntervalMs ?? defaults.pollIntervalMs;
  const progressIntervalMs = options.progressIntervalMs ?? defaults.progressIntervalMs;
  const backoff = options.backoff ?? relayBackoff;
  const log = options.log ?? (() => {});
  const ownsDatabase = typeof options.database === 'string';
  const sql =
    typeof options.database === 'string'
      ? postgres(options.database, {
          max: 2,
          connection: { application_name: 'hookline-outbox-relay' },
          onnotice: () => {},
        })
      : options.database;
  const hookline =
    'events' in options.hookline ? options.hookline : createHooklineClient({ ...options.hookline, attempts: 1 });
  const publish: PublishBatch = async (appId, events) =>
    (await hookline.events.publishBatch.mutate({ appId, events })).events;

  const table = qualifiedName(location);
  const selectPending = `
    select id, app_id, type, version, data, idempotency_key, ordering_key,
           extract(epoch from clock_timestamp() - enqueued_at) * 1000 as age_ms
      from ${table}
     where state = 'pending'
     order by position
     limit ${batchSize}
       for update skip locked`;
  const deletePublished = `delete from ${table} where id in (select value::uuid from json_array_elements_text($1::text::json))`;
  const markFailed = `
    update ${table} as o set state = 'failed', error = x.error, failed_at = now()
      from json_to_recordset($1::text::json) as x(id uuid, error text)
     where o.id = x.id`;

  const stats: OutboxRelayStats = { published: 0, duplicates: 0, failed: 0, lagMs: null, unavailableSince: null };
  const stopping = new AbortController();
  let notified = false;
  let wake: () => void = () => {};
  const listener = await sql
    .listen(notifyChannel(location), () => {
      notified = true;
      wake();
    })
    .catch(async (error: unknown) => {
      if (ownsDatabase) await sql.end({ timeout: 5 });
      throw error;
    });

  type BatchResult = { taken: number; unavailable: string | null };

  /** One transaction: take, publish, delete or set aside, commit. */
  const relayBatch = () =>
    sql.begin(async (tx): Promise<BatchResult> => {
      const selected = await tx.unsafe<SelectedRow[]>(selectPending);
      if (selected.length === 0) return { taken: 0, unavailable: null };
      const rows: OutboxRow[] = selected.map((r) => ({
        id: r.id,
        appId: r.app_id,
        type: r.type,
        version: r.version,
        data: r.data,
        idempotencyKey: r.idempotency_key,
        orderingKey: r.ordering_key,
      }));
      const startedAt = performance.now();
      const outcome = await publishRows(publish, rows);
      if (outcome.published.length > 0) {
        await tx.unsafe(deletePublished, [JSON.stringify(outcome.published)]);
        stats.lagMs = Math.round(Number(selected[0]!.age_ms) + performance.now() - startedAt);
      }
      if (outcome.refused.length > 0) {
        await tx.unsafe(markFailed, [JSON.stringify(outcome.refused)]);
        for (const { id, error } of outcome.refused)
          log('outbox event refused by Hookline; moved aside', { id, error });
      }
      stats.published += outcome.published.length;
      stats.duplicates += outcome.duplicates;
      stats.failed += outcome.refused.length;
      return { taken: selected.length, unavailable: outcome.unavailable };
    });

  /**
   * Waits `ms`, or less on stop; a `wakeable` wait also ends when a notification arrives (or arrived
   * during the last batch). Back-off waits are not wakeable: new rows must not hurry a retry.
   */
  const pause = (ms: number, { wakeable }: { wakeable: boolean }) => {
    if (wakeable && notified) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done, { once: true });
      if (wakeable) wake = done;
      function done() {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        wake = () => {};
        resolve();
      }
    });
  };

  let failures = 0;
  const onFailure = (message: string) => {
    failures += 1;
    const delayMs = backoffDelayMs(failures, backoff);
    if (!stats.unavailableSince) {
      stats.unavailableSince = new Date();
      log('outbox relay cannot publish; events wait in the outbox, retrying with back-off', {
        error: message,
        delayMs,
      });
    }
    return pause(delayMs, { wakeable: false });
  };

  let lastProgress = { at: performance.now(), published: 0, failed: 0 };
  const logProgress = () => {
    if (performance.now() - lastProgress.at < progressIntervalMs) return;
    if (stats.published !== lastProgress.published || stats.failed !== lastProgress.failed) {
      log('outbox relay progress', {
        published: stats.published - lastProgress.published,
        failed: stats.failed - lastProgress.failed,
        lagMs: stats.lagMs,
      });
    }
    lastProgress = { at: performance.now(), published: stats.published, failed: stats.failed };
  };

  const run = async () => {
    while (!stopping.signal.aborted) {
      notified = false;
      let result: BatchResult;
      try {
        result = await relayBatch();
      } catch (error) {
        // The outbox's own database failed (the transaction rolled back): same pause as for Hookline.
        await onFailure(`outbox database: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (result.unavailable) {
        await onFailure(result.unavailable);
        continue;
      }
      if (stats.unavailableSince) {
        log('outbox relay publishing again', { downForMs: Date.now() - stats.unavailableSince.getTime() });
        stats.unavailableSince = null;
      }
      failures = 0;
      logProgress();
      // A full batch means more may be waiting: go on at once.
      if (result.taken < batchSize) await pause(pollIntervalMs, { wakeable: true });
    }
  };
  const running = run();
  log('outbox relay started', { outbox: `${location.schema}.${location.table}`, batchSize });

  return {
    stats: () => ({ ...stats }),
    pendingAgeMs: async () => {
      const [row] = await sql.unsafe<{ age_ms: number | null }[]>(
        `select extract(epoch from clock_timestamp() - min(enqueued_at)) * 1000 as age_ms
           from ${table} where state = 'pending'`,
      );
      return row?.age_ms == null ? null : Math.round(Number(row.age_ms));
    },
    stop: async () => {
      stopping.abort();
      wake();
      await running;
      await listener.unlisten().catch(() => {});
      if (ownsDatabase) await sql.end({ timeout: 5 });
      log('outbox relay stopped');
    },
  };
}
