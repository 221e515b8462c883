import { endpoints, type Database } from '@hookline/db';
import type { DatabaseCounts } from '@hookline/monitoring';
import { countQueueJobs } from '@hookline/pipeline';
import { count } from 'drizzle-orm';

/**
 * The database-wide gauges (queue, dead letters, endpoints), read at scrape time. The API serves them
 * rather than each worker, so a deployment has one answer per database, not one per worker.
 */
export async function countForMetrics(db: Database): Promise<DatabaseCounts> {
  const [queue, endpointRows] = await Promise.all([
    countQueueJobs(db),
    db.select({ enabled: endpoints.enabled, n: count() }).from(endpoints).groupBy(endpoints.enabled),
  ]);
  const byState = { enabled: 0, disabled: 0 };
  for (const row of endpointRows) byState[row.enabled ? 'enabled' : 'disabled'] = row.n;
  return { queueJobs: queue.deliveryJobs, deadLetters: queue.waitingDeadLetters, endpoints: byState };
}
