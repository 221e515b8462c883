import { migrationsApplied, type Database } from '@hookline/db';

export type ReadinessAnswer = { ready: true } | { ready: false; reason: string };

/** Whether this process can do its work now; asked by GET /ready. */
export type Readiness = () => Promise<ReadinessAnswer>;

/**
 * Ready when the queue client is running (started, not stopping), the database answers within
 * `timeoutMs`, and it has every migration this code knows. The reason says which failed first.
 */
export function createReadiness({
  db,
  queueRunning,
  timeoutMs = 2_000,
}: {
  db: Database;
  queueRunning: () => boolean;
  timeoutMs?: number;
}): Readiness {
  return async () => {
    if (!queueRunning()) return { ready: false, reason: 'the queue is not running (starting or stopping)' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const applied = await Promise.race([migrationsApplied(db), timeout]);
      if (applied === 'timeout') return { ready: false, reason: `the database did not answer within ${timeoutMs} ms` };
      if (!applied) return { ready: false, reason: 'database migrations are not applied' };
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: `the database is unavailable: ${(error as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  };
}
