/**
 * Zod walks every key of a record before any refinement can count them: 5,000 version pins cost 30 to
 * 140 ms of CPU before the answer says "too many". No input object of any procedure, nor any object
 * field of one (versionPins, data, filter), is this wide, so anything wider is refused before parsing.
 * Deeper objects need no check: event payloads are strict objects, which zod refuses in one pass over
 * their keys, and every array in a schema has a maximum zod checks before its items.
 */
export const maxObjectKeys = 1_000;

/** The path of an input object, or an object field of it, with more than `maxObjectKeys` keys; or null. */
export function findTooWideObject(input: unknown): (string | number)[] | null {
  if (!isPlainObject(input)) return null;
  if (isWide(input)) return [];
  for (const key in input) {
    const field = input[key];
    if (isPlainObject(field) && isWide(field)) return [key];
  }
  return null;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function isWide(value: Record<string, unknown>): boolean {
  let keys = 0;
  for (const _ in value) if (++keys > maxObjectKeys) return true;
  return false;
}
