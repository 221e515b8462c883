import type { applications } from '@hookline/db';
import { z } from 'zod';

export const Application = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string().datetime(),
});
type Application = z.infer<typeof Application>;

export function toApplicationDto(row: typeof applications.$inferSelect): Application {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}
