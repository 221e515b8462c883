import { attempts, newId, type Database } from '@hookline/db';
import { bossDb, deliveryQueue, type DeliveryJob } from '@hookline/queue';
import type { QueueClient } from '@hookline/queue';
import { sql } from 'drizzle-orm';
import type { AttemptOutcome } from './attempt-outcome';
import type { RetryDecision } from './retry-policy';

export type AttemptRecord = {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  outcome: AttemptOutcome;
  decision: RetryDecision;
};

/** Status and next time of a delivery once this attempt is recorded. */
function deliveryState(record: AttemptRecord): { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt: Date | null } {
  switch (record.decision.kind) {
    case 'delivered':
      return { status: 'delivered', nextAttemptAt: null };
    case 'retry':
      return { status: 'pending', nextAttemptAt: new Date(record.startedAt.getTime() + record.outcome.durationMs + record.decision.delayMs) };
    case 'give-up':
      return { status: 'failed', nextAttemptAt: null };
  }
}

/**
 * Records a batch of attempts in one transaction: the attempt rows (one multi-row insert), each
 * delivery's new state (one UPDATE … FROM VALUES), and the jobs for the next attempts. A crash
 * before the commit leaves the jobs active, so pg-boss hands them out again: nothing is lost.
 */
export async function recordAttempts(db: Database, boss: QueueClient, records: AttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.transaction(async (tx) => {
    await tx.insert(attempts).values(
      records.map((r) => ({
        id: newId('atm'),
        deliveryId: r.deliveryId,
        number: r.attempt,
        startedAt: r.startedAt,
        durationMs: r.outcome.durationMs,
        responseStatus: r.outcome.status,
        responseBody: r.outcome.body,
        error: r.outcome.kind === 'failure' ? r.outcome.error : null,
      })),
    );

    const rows = records.map((r) => {
      const state = deliveryState(r);
      return sql`(${r.deliveryId}::text, ${state.status}::text, ${r.attempt}::int, ${state.nextAttemptAt?.toISOString() ?? null}::timestamptz, ${r.startedAt.toISOString()}::timestamptz)`;
    });
    // GREATEST keeps a late duplicate from moving the count backwards.
    await tx.execute(sql`
      update deliveries d
         set status = v.status,
             attempt_count = greatest(d.attempt_count, v.attempt),
             next_attempt_at = v.next_attempt_at,
             last_attempt_at = v.last_attempt_at,
             updated_at = now()
        from (values ${sql.join(rows, sql`, `)}) as v(id, status, attempt, next_attempt_at, last_attempt_at)
       where d.id = v.id`);

    const retries = records.flatMap((r) =>
      r.decision.kind === 'retry'
        ? [{ data: { v: 1, deliveryId: r.deliveryId, attempt: r.attempt + 1 } satisfies DeliveryJob, startAfter: deliveryState(r).nextAttemptAt! }]
        : [],
    );
    if (retries.length > 0) await boss.insert(deliveryQueue, retries, { db: bossDb(tx) });
  });
}
