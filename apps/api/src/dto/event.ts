import type { events } from '@hookline/db';
import { z } from 'zod';

export const Event = z.object({
  id: z.string(),
  appId: z.string(),
  type: z.string(),
  version: z.string(),
  data: z.unknown(),
  idempotencyKey: z.string().nullable(),
  /** The key its deliveries are ordered by, per endpoint (docs/ordering.md); null when unordered. */
  orderingKey: z.string().nullable(),
  createdAt: z.string().datetime(),
});
type Event = z.infer<typeof Event>;

export function toEventDto(row: typeof events.$inferSelect): Event {
  return {
    id: row.id,
    appId: row.appId,
    type: row.type,
    version: row.version,
    data: row.data,
    idempotencyKey: row.idempotencyKey,
    orderingKey: row.orderingKey,
    createdAt: row.createdAt.toISOString(),
  };
}
