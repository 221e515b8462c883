import type { Database } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { deadLetterQueue, deliveryQueue, queueSchema } from './names';

export type QueueCounts = {
  /** Delivery jobs by state; `created` includes retries waiting for their time. */
  deliveryJobs: Record<'created' | 'retry' | 'active', number>;
  /** Dead letters waiting for an operator (state `created`, as `findDeadLetters` lists them). */
  waitingDeadLetters: number;
};

/**
 * The queue's live jobs, counted for the metrics. One statement over pg-boss's index of live jobs
 * (name, state): it never reads the day of completed jobs pg-boss keeps.
 */
export async function countQueueJobs(db: Database): Promise<QueueCounts> {
  const rows = (await db.execute(sql`
    select name, state::text as state, count(*)::int as n
      from ${sql.identifier(queueSchema)}.job
     where (name = ${deliveryQueue} and state in ('created', 'retry', 'active'))
        or (name = ${deadLetterQueue} and state = 'created')
     group by name, state`)) as unknown as { name: string; state: string; n: number }[];
  const counts: QueueCounts = { deliveryJobs: { created: 0, retry: 0, active: 0 }, waitingDeadLetters: 0 };
  for (const { name, state, n } of rows) {
    if (name === deadLetterQueue) counts.waitingDeadLetters = n;
    else counts.deliveryJobs[state as keyof QueueCounts['deliveryJobs']] = n;
  }
  return counts;
}
