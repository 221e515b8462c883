import { attempts, newId, type AttemptTrigger, type Database } from '@hookline/db';
import { publishOperationalEvents, type OperationalFact } from '@hookline/fanout';
import { enqueueAttempts, type QueueClient } from '@hookline/queue';
import { sql } from 'drizzle-orm';
import type { AttemptOutcome } from './attempt-outcome';
import { updateEndpointHealth, type EndpointHealthSettings } from './endpoint-health';
import { attemptKey } from './load-deliveries';
import type { RetryDecision } from './retry-policy';

export type AttemptRecord = {
  /** The pg-boss job that made the attempt. */
  jobId: string;
  deliveryId: string;
  appId: string;
  eventId: string;
  endpointId: string;
  attempt: number;
  trigger: AttemptTrigger;
  startedAt: Date;
  outcome: AttemptOutcome;
  decision: RetryDecision;
  /** The endpoint's failure count when the batch was loaded; the health update re-reads it under lock. */
  endpointFailuresHint: number;
};

export type RecordAttemptsOptions = {
  db: Database;
  boss: QueueClient;
  health: EndpointHealthSettings;
  /** Where operational events go; null sends none. */
  operatorAppId: string | null;
  now: Date;
};

/** When the next attempt is due, for a retry; null otherwise. */
export function nextAttemptAt(record: AttemptRecord): Date | null {
  if (record.decision.kind !== 'retry') return null;
  return new Date(record.startedAt.getTime() + record.outcome.durationMs + record.decision.delayMs);
}

const deliveryStatusAfter = { delivered: 'delivered', retry: 'pending', 'give-up': 'failed' } as const;

/**
 * Records a batch of attempts in one transaction: the attempt rows (one multi-row insert), each
 * delivery's new state (one UPDATE … FROM VALUES), the jobs for the next attempts, the endpoints'
 * health, and the operational events all that caused. A crash before the commit leaves the jobs
 * active, so pg-boss hands them out again and nothing is lost; a crash after it leaves them to be
 * settled by their re-run (see deliver-batch.ts).
 *
 * Returns the keys (`deliveryId:attempt`) of the attempts that landed. One that did not was recorded
 * meanwhile by another job for the same attempt; its outcome is dropped whole, so a duplicate never
 * schedules a second retry or counts a failure twice.
 */
export async function recordAttempts(records: AttemptRecord[], options: RecordAttemptsOptions): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const { db, boss, health, operatorAppId, now } = options;
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(attempts)
      .values(
        records.map((r) => ({
          id: newId('atm'),
          deliveryId: r.deliveryId,
          number: r.attempt,
          startedAt: r.startedAt,
          durationMs: r.outcome.durationMs,
          responseStatus: r.outcome.status,
          responseBody: r.outcome.body,
          error: r.outcome.kind === 'failure' ? r.outcome.error : null,
          errorClass: r.outcome.kind === 'failure' ? r.outcome.errorClass : null,
          rule: r.decision.rule,
          nextAttemptAt: nextAttemptAt(r),
          trigger: r.trigger,
          jobId: r.jobId,
        })),
      )
      .onConflictDoNothing({ target: [attempts.deliveryId, attempts.number] })
      .returning({ deliveryId: attempts.deliveryId, number: attempts.number });
    const landedKeys = new Set(inserted.map((row) => attemptKey(row.deliveryId, row.number)));
    const landed = records.filter((r) => landedKeys.has(attemptKey(r.deliveryId, r.attempt)));
    if (landed.length === 0) return landedKeys;

    const rows = landed.map((r) => {
      const next = nextAttemptAt(r);
      return sql`(${r.deliveryId}::text, ${deliveryStatusAfter[r.decision.kind]}::text, ${r.attempt}::int, ${next?.toISOString() ?? null}::timestamptz, ${r.startedAt.toISOString()}::timestamptz)`;
    });
    // GREATEST keeps a late, lower attempt from moving the count backwards.
    await tx.execute(sql`
      update deliveries d
         set status = v.status,
             attempt_count = greatest(d.attempt_count, v.attempt),
             next_attempt_at = v.next_attempt_at,
             last_attempt_at = v.last_attempt_at,
             updated_at = now()
        from (values ${sql.join(rows, sql`, `)}) as v(id, status, attempt, next_attempt_at, last_attempt_at)
       where d.id = v.id`);

    await enqueueAttempts(
      boss,
      tx,
      landed.flatMap((r) => {
        const startAfter = nextAttemptAt(r);
        return startAfter ? [{ deliveryId: r.deliveryId, attempt: r.attempt + 1, startAfter }] : [];
      }),
    );

    const facts: OperationalFact[] = await updateEndpointHealth(tx, landed, health, now);
    for (const r of landed) {
      // A disabled endpoint's leftovers are reported once, by its endpoint.disabled event.
      if (r.decision.kind !== 'give-up' || r.decision.rule === 'endpoint_disabled') continue;
      facts.push({
        type: 'delivery.exhausted',
        data: {
          deliveryId: r.deliveryId,
          eventId: r.eventId,
          endpointId: r.endpointId,
          appId: r.appId,
          attempts: r.attempt,
          ...(r.outcome.kind === 'failure' ? { lastError: r.outcome.error } : {}),
        },
      });
    }
    await publishOperationalEvents(tx, boss, operatorAppId, facts);
    return landedKeys;
  });
}
