import { EVENT_TYPE_PATTERN, EVENT_TYPE_SEGMENT } from './define';

/**
 * An endpoint's subscription is a list of patterns:
 * - `*` matches every type;
 * - an exact type such as `order.created` matches that type only;
 * - a prefix ending in `.*` such as `order.*` matches every type that starts with `order.`, at any depth
 *   (`order.created` and `order.item.added`), but not `order` itself nor `orders.created`.
 * A wildcard anywhere else (`*.created`, `order.*.added`) is not a pattern.
 */
const WILDCARD_PATTERN = new RegExp(`^${EVENT_TYPE_SEGMENT}(\\.${EVENT_TYPE_SEGMENT})*\\.\\*$`);

export function isValidEventTypePattern(pattern: string): boolean {
  return pattern === '*' || EVENT_TYPE_PATTERN.test(pattern) || WILDCARD_PATTERN.test(pattern);
}

/** No list (null, undefined or empty) means no filter: the endpoint receives every type. */
export function matchesEventType(patterns: readonly string[] | null | undefined, type: string): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}
