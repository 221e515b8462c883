import type { Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import type { Metrics } from '@hookline/monitoring';
import { createSweptTablesVacuum, reconcileDeliveries, sweepExpired, type QueueClient } from '@hookline/pipeline';

export type HousekeepingSettings = {
  /** Events, deliveries and attempts older than this are removed (HOOKLINE_RETENTION_DAYS). */
  retentionSeconds: number;
  /** How often pending deliveries are checked for a live job (HOOKLINE_RECONCILE_SECONDS). */
  reconcileSeconds: number;
  /** How long pg-boss keeps a dead letter: one gone after that is `expired`, before it `removed`. */
  deadLetterRetentionSeconds: number;
};

/**
 * How often the retention sweep runs: a tenth of the retention, so rows outlive it by at most 10 %, at
 * least every second and at most every minute (a run removes everything expired, in chunks).
 */
const sweepIntervalMs = (retentionSeconds: number) => Math.min(60_000, Math.max(1_000, retentionSeconds * 100));

/**
 * The worker's background work: the retention sweep and the reconciler, each on its own timer. Every
 * worker runs them; an advisory lock lets one process at a time do each. A run never overlaps the next,
 * a failed run is logged and tried again on the next tick, and `stop()` waits for a run in progress.
 */
export function startHousekeeping({
  db,
  boss,
  log,
  metrics,
  settings,
}: {
  db: Database;
  boss: QueueClient;
  log: Log;
  metrics: Metrics;
  settings: HousekeepingSettings;
}): { stop: () => Promise<void> } {
  const vacuumIfDue = createSweptTablesVacuum(db);
  // A shutdown does not wait for a long sweep: it stops after the chunk under way.
  const stopping = new AbortController();
  const loops = [
    every(sweepIntervalMs(settings.retentionSeconds), async () => {
      const swept = await sweepExpired(db, {
        retentionSeconds: settings.retentionSeconds,
        signal: stopping.signal,
      });
      if (swept.events === 0) return;
      const vacuumed = await vacuumIfDue(swept.events);
      log('retention sweep removed expired rows', { ...swept, vacuumed });
    }),
    every(settings.reconcileSeconds * 1000, async () => {
      const { requeued, deadLetterLost } = await reconcileDeliveries(db, boss, {
        deadLetterRetentionSeconds: settings.deadLetterRetentionSeconds,
      });
      for (const fixed of requeued) log('pending delivery had no live job; enqueued it again', { ...fixed });
      for (const lost of deadLetterLost) {
        log.warn("failed delivery's dead letter is gone; recorded why on the delivery", { ...lost });
      }
      metrics.deliveriesReconciled('requeued', requeued.length);
      metrics.deliveriesReconciled('dead_letter_lost', deadLetterLost.length);
    }),
  ].map((loop) => loop(log));
  return {
    stop: async () => {
      stopping.abort();
      await Promise.all(loops.map((stop) => stop()));
    },
  };
}

/** Runs `task` every `intervalMs` (the first time after one interval), never two at once. */
function every(intervalMs: number, task: () => Promise<void>) {
  return (log: Log) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const schedule = () => {
      timer = setTimeout(() => {
        running = task()
          .catch((error: unknown) => log('background task failed; it runs again on its next tick', { error }))
          .finally(() => {
            if (!stopped) schedule();
          });
      }, intervalMs);
      timer.unref();
    };
    schedule();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    };
  };
}
