import { z } from 'zod';

// Building blocks shared by event schemas. Published versions use them, so changing one edits every
// version that uses it: never change a block, add a new one for the new version instead.

/** ISO 8601 in UTC with a `Z`, as `Date.prototype.toISOString()` writes it; one format for every receiver. */
export const UtcTimestamp = z.iso.datetime({
  message: 'expected an ISO 8601 UTC timestamp such as 2025-01-15T10:30:00.000Z',
});

/** ISO 4217 code in upper case; lower case is rejected rather than normalised so stored data is what was sent. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected a 3-letter ISO 4217 currency code in upper case, such as USD');

/**
 * Hookline's own ids carry their kind as a prefix (`evt_`, `ep_`, `app_`, `dlv_`). The suffix stays loose
 * (letters, digits, `_`, `-`) so that the id generator can change without a new event version.
 */
export function prefixedId(prefix: 'evt' | 'ep' | 'app' | 'dlv') {
  return z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]+$`), `expected an id starting with ${prefix}_`);
}
