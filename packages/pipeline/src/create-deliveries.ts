import { deliveries, newId, type Transaction } from '@hookline/db';
import { randomUUID } from 'node:crypto';
import type { QueueClient } from './boss';
import { insertDeliveryJobs } from './insert-jobs';
import { busyLines, lineName, lockLines, takeLinePositions } from './ordering-lines';

export type DeliveryToCreate = {
  appId: string;
  eventId: string;
  endpointId: string;
  /** The event's ordering key: the delivery joins the end of its (endpoint, key) line. */
  orderingKey?: string | null;
};

// Postgres allows 65,535 bind parameters a statement; a delivery row uses 7.
const deliveryRowsPerInsert = 5_000;

/**
 * Inserts deliveries and enqueues attempt 1 of each, in the caller's transaction. `manual` marks the
 * attempt as asked for by an operator (events.resend) rather than by a publish. A delivery with an
 * ordering key gets a job only when its line is empty; otherwise it waits for the one ahead of it to
 * end (see ordering-lines.ts). Rows are placed in their lines in the order given.
 */
export async function createDeliveries(
  tx: Transaction,
  boss: QueueClient,
  rows: DeliveryToCreate[],
  { manual = false }: { manual?: boolean } = {},
): Promise<{ id: string; eventId: string; endpointId: string }[]> {
  // The job id is chosen first so the delivery row carries it from its insert (see insertDeliveryJobs).
  const withIds = rows.map((row) => ({
    id: newId('dlv'),
    jobId: randomUUID() as string | null,
    appId: row.appId,
    eventId: row.eventId,
    endpointId: row.endpointId,
    orderingKey: row.orderingKey ?? null,
    orderingSeq: null as number | null,
  }));
  // Unkeyed deliveries pay for this null check only.
  const keyed = withIds.filter((d) => d.orderingKey !== null);
  if (keyed.length > 0) await placeInLines(tx, keyed as ((typeof keyed)[number] & { orderingKey: string })[]);
  for (let i = 0; i < withIds.length; i += deliveryRowsPerInsert) {
    await tx.insert(deliveries).values(withIds.slice(i, i + deliveryRowsPerInsert));
  }
  await insertDeliveryJobs(
    boss,
    withIds.flatMap((d) => (d.jobId === null ? [] : [{ id: d.jobId, deliveryId: d.id, attempt: 1, manual }])),
    { tx, jobIdsRecorded: true },
  );
  return withIds.map(({ id, eventId, endpointId }) => ({ id, eventId, endpointId }));
}

/**
 * Gives keyed deliveries their places at the ends of their lines, under the lines' locks (held to the
 * commit). The first one of a line that holds no pending delivery is its head and keeps its job; every
 * other one waits without a job.
 */
async function placeInLines(
  tx: Transaction,
  keyed: { endpointId: string; orderingKey: string; jobId: string | null; orderingSeq: number | null }[],
): Promise<void> {
  const lines = [...new Map(keyed.map((d) => [lineName(d), d] as const)).values()];
  await lockLines(tx, lines);
  // After the lock, in statements of their own: their snapshot then sees what the lock's last holder committed.
  const [busy, positions] = await Promise.all([busyLines(tx, lines), takeLinePositions(tx, keyed.length)]);
  keyed.forEach((d, i) => {
    d.orderingSeq = positions[i]!;
    const line = lineName(d);
    if (busy.has(line)) d.jobId = null;
    else busy.add(line);
  });
}
