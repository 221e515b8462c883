import { deliveries, newId, type Transaction } from '@hookline/db';
import { randomUUID } from 'node:crypto';
import type { QueueClient } from './boss';
import { insertDeliveryJobs } from './insert-jobs';

export type DeliveryToCreate = { appId: string; eventId: string; endpointId: string };

// Postgres allows 65,535 bind parameters a statement; a delivery row uses 5.
const deliveryRowsPerInsert = 5_000;

/**
 * Inserts deliveries and enqueues attempt 1 of each, in the caller's transaction. `manual` marks the
 * attempt as asked for by an operator (events.resend) rather than by a publish.
 */
export async function createDeliveries(
  tx: Transaction,
  boss: QueueClient,
  rows: DeliveryToCreate[],
  { manual = false }: { manual?: boolean } = {},
): Promise<{ id: string; eventId: string; endpointId: string }[]> {
  // The job id is chosen first so the delivery row carries it from its insert (see insertDeliveryJobs).
  const withIds = rows.map((row) => ({ id: newId('dlv'), jobId: randomUUID(), ...row }));
  for (let i = 0; i < withIds.length; i += deliveryRowsPerInsert) {
    await tx.insert(deliveries).values(withIds.slice(i, i + deliveryRowsPerInsert));
  }
  await insertDeliveryJobs(
    boss,
    withIds.map((d) => ({ id: d.jobId, deliveryId: d.id, attempt: 1, manual })),
    { tx, jobIdsRecorded: true },
  );
  return withIds.map(({ id, eventId, endpointId }) => ({ id, eventId, endpointId }));
}
