import { endpoints, type Transaction } from '@hookline/db';
import type { OperationalFact } from '@hookline/pipeline';
import { inArray, sql } from 'drizzle-orm';
import { isNotSent } from './attempt-outcome';
import type { AttemptRecord } from './attempt-record';

export type EndpointHealthSettings = {
  /** An endpoint that has done nothing but fail for this long is disabled (Svix: 5 days). */
  disableAfterMs: number;
};

type Summary = {
  appId: string;
  successDeliveryId: string | null;
  failures: number;
  firstFailureAt: Date | null;
  gone: boolean;
};

/**
 * Folds a batch's recorded attempts into its endpoints' health, inside the recording transaction:
 * a success ends a run of failures (delivery.recovered); a failure extends it; a run that has lasted
 * `disableAfterMs`, or a 410, disables the endpoint (endpoint.disabled). Returns what to report.
 *
 * Healthy endpoints cost nothing here: an endpoint row is only locked when a failure must be counted
 * or a run of failures ended, so busy healthy endpoints do not serialise concurrent batches.
 */
export async function updateEndpointHealth(
  tx: Transaction,
  records: AttemptRecord[],
  settings: EndpointHealthSettings,
  now: Date,
): Promise<OperationalFact[]> {
  const summaries = new Map<string, Summary>();
  const needsLock = new Set<string>();
  for (const r of records) {
    // An attempt that sent nothing says nothing about the receiver.
    if (r.outcome.kind === 'failure' && isNotSent(r.outcome.errorClass)) continue;
    const s = summaries.get(r.endpointId) ?? {
      appId: r.appId,
      successDeliveryId: null,
      failures: 0,
      firstFailureAt: null,
      gone: false,
    };
    summaries.set(r.endpointId, s);
    if (r.outcome.kind === 'success') {
      s.successDeliveryId ??= r.deliveryId;
      if (r.endpointFailuresHint > 0) needsLock.add(r.endpointId);
    } else {
      s.failures += 1;
      if (!s.firstFailureAt || r.startedAt < s.firstFailureAt) s.firstFailureAt = r.startedAt;
      if (r.decision.rule === 'gone') s.gone = true;
      needsLock.add(r.endpointId);
    }
  }
  if (needsLock.size === 0) return [];

  // Locked in id order, so two batches touching the same endpoints cannot deadlock.
  const rows = await tx
    .select({
      id: endpoints.id,
      enabled: endpoints.enabled,
      consecutiveFailures: endpoints.consecutiveFailures,
      failingSince: endpoints.failingSince,
    })
    .from(endpoints)
    .where(inArray(endpoints.id, [...needsLock]))
    .orderBy(endpoints.id)
    .for('update');

  const facts: OperationalFact[] = [];
  const updates = rows.map((row) => {
    const s = summaries.get(row.id)!;
    let consecutiveFailures = row.consecutiveFailures;
    let failingSince = row.failingSince;
    if (s.successDeliveryId) {
      if (row.consecutiveFailures > 0) {
        facts.push({
          type: 'delivery.recovered',
          data: {
            endpointId: row.id,
            appId: s.appId,
            deliveryId: s.successDeliveryId,
            failuresBefore: row.consecutiveFailures,
          },
        });
      }
      consecutiveFailures = 0;
      failingSince = null;
    } else {
      consecutiveFailures += s.failures;
      failingSince ??= s.firstFailureAt;
    }

    let disabledReason: string | null = null;
    if (row.enabled && s.gone) {
      disabledReason = `the receiver answered 410 Gone at ${now.toISOString()}`;
      facts.push({
        type: 'endpoint.disabled',
        data: { endpointId: row.id, appId: s.appId, reason: 'gone', disabledAt: now.toISOString() },
      });
    } else if (row.enabled && failingSince && now.getTime() - failingSince.getTime() >= settings.disableAfterMs) {
      disabledReason = `nothing but failures since ${failingSince.toISOString()} (${consecutiveFailures} failed attempts)`;
      facts.push({
        type: 'endpoint.disabled',
        data: { endpointId: row.id, appId: s.appId, reason: 'consecutive_failures', disabledAt: now.toISOString() },
      });
    }
    return { id: row.id, consecutiveFailures, failingSince, disabledReason };
  });

  if (updates.length > 0) {
    const values = updates.map(
      (u) =>
        sql`(${u.id}::text, ${u.consecutiveFailures}::int, ${u.failingSince?.toISOString() ?? null}::timestamptz, ${u.disabledReason}::text)`,
    );
    await tx.execute(sql`
      update endpoints e
         set consecutive_failures = v.consecutive_failures,
             failing_since = v.failing_since,
             enabled = e.enabled and v.disabled_reason is null,
             disabled_reason = coalesce(v.disabled_reason, e.disabled_reason),
             updated_at = case when v.disabled_reason is null then e.updated_at else now() end
        from (values ${sql.join(values, sql`, `)}) as v(id, consecutive_failures, failing_since, disabled_reason)
       where e.id = v.id`);
  }
  return facts;
}
