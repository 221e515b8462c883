import { sql } from 'drizzle-orm';

/**
 * A `locked` CTE that locks the throttle rows of the endpoints listed by the CTE `r` (its
 * `endpoint_id` column), in id order: every statement that changes throttle rows locks them in the
 * same order, so two batches touching the same endpoints cannot deadlock.
 */
export const lockedThrottlesOfR = sql`
    locked as (
      select t.endpoint_id from endpoint_throttles t
       where t.endpoint_id in (select endpoint_id from r)
       order by t.endpoint_id
         for update
    )`;
