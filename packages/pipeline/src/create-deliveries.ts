import { deliveries, newId, type Transaction } from '@hookline/db';
import type { QueueClient } from './boss';
import { insertDeliveryJobs } from './insert-jobs';

export type DeliveryToCreate = { appId: string; eventId: string; endpointId: string };

// Postgres allows 65,535 bind parameters a statement; a delivery row uses 4.
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
  const withIds = rows.map((row) => ({ id: newId('dlv'), ...row }));
  for (let i = 0; i < withIds.length; i += deliveryRowsPerInsert) {
    await tx.insert(deliveries).values(withIds.slice(i, i + deliveryRowsPerInsert));
  }
  await insertDeliveryJobs(
    boss,
    withIds.map((d) => ({ deliveryId: d.id, attempt: 1, manual })),
    { tx },
  );
  return withIds.map(({ id, eventId, endpointId }) => ({ id, eventId, endpointId }));
}
