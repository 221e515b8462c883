import { z } from 'zod';

/**
 * An opaque cursor: an id, or a time and id for lists that sort by time. The character set admits
 * both and keeps garbage such as NUL bytes from ever reaching SQL.
 */
const Cursor = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, { message: 'must be a nextCursor from the previous page, passed back unchanged' });

/** Cursor pagination over time-sorted ids: pass `nextCursor` back as `cursor` for the next page. */
export const PageInput = {
  cursor: Cursor.optional(),
  limit: z.number().int().min(1).max(250).default(50),
};

export function Page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Rows were fetched with limit + 1: the extra row only says whether another page exists. */
export function toPageDto<R extends { id: string }, T>(rows: R[], limit: number, map: (row: R) => T) {
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
