import { isDatabaseUnavailable, type Database } from '@hookline/db';
import type { Log } from '@hookline/log';
import { sql } from 'drizzle-orm';
import { lockedThrottlesOfR } from './lock-throttles';

export type LeaseKeeperSettings = {
  /** How long a lease lives past its last renewal: how long a dead worker's leases block their endpoints. */
  leaseMs: number;
  /** How often the leases this worker holds are renewed; well under `leaseMs`. */
  renewEveryMs: number;
};

/**
 * Keeps the in-flight leases this worker holds alive while their lanes run, by renewing them every few
 * seconds, so a lease can be short: a worker killed mid-batch blocks its endpoints' slots for seconds (the
 * lease's life), not for the longest a lane could run (four requests to their timeout). A lease is held
 * from its claim until its lane's attempts are recorded (or their recording failed), by the batch or by
 * its last detached request. If renewing fails (the database unreachable), a lease still running may
 * expire and another worker send beside it: the limit is briefly exceeded, nothing is lost.
 */
export function createLeaseKeeper(db: Database, log: Log, { leaseMs, renewEveryMs }: LeaseKeeperSettings) {
  const held = new Map<string, Set<string>>();
  let renewing: Promise<void> | null = null;

  const renew = async () => {
    const rows = [...held].map(([endpointId, ids]) => ({ endpoint_id: endpointId, lease_ids: [...ids] }));
    if (rows.length === 0) return;
    try {
      await db.execute(sql`
        with r as (
          select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(endpoint_id text, lease_ids text[])
        ),
        ${lockedThrottlesOfR}
        update endpoint_throttles t
           set leases = coalesce((select jsonb_agg(case when x->>'id' = any(r.lease_ids)
                                                        then jsonb_set(x, '{until}', to_jsonb(clock_timestamp()
                                                               + make_interval(secs => ${leaseMs}::float8 / 1000)))
                                                        else x end)
                                    from jsonb_array_elements(t.leases) x), '[]'::jsonb)
          from r
         where t.endpoint_id = r.endpoint_id
           and t.endpoint_id in (select endpoint_id from locked)`);
    } catch (error) {
      // An unreachable database is already reported, once, by the pool's availability watch.
      if (isDatabaseUnavailable(error)) return;
      log.warn('in-flight leases not renewed', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const timer = setInterval(() => {
    renewing ??= renew().finally(() => (renewing = null));
  }, renewEveryMs);
  timer.unref();

  return {
    hold(endpointId: string, leaseIds: readonly string[]) {
      if (leaseIds.length === 0) return;
      const ids = held.get(endpointId) ?? new Set<string>();
      for (const id of leaseIds) ids.add(id);
      held.set(endpointId, ids);
    },
    /** The leases were released (or their release failed, and they will expire): no more renewing. */
    drop(endpointId: string, leaseIds: readonly string[]) {
      const ids = held.get(endpointId);
      if (!ids) return;
      for (const id of leaseIds) ids.delete(id);
      if (ids.size === 0) held.delete(endpointId);
    },
    async stop() {
      clearInterval(timer);
      await renewing;
    },
  };
}

export type LeaseKeeper = ReturnType<typeof createLeaseKeeper>;
