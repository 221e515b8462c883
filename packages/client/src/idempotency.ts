// Web Crypto, not node:crypto: the client also runs in the browser (the console).
/**
 * Gives a publish an idempotency key when the caller did not: a retried call (by this client or
 * by the caller's own retry of the same input object) then cannot create a second event.
 */
function withIdempotencyKey<T extends { idempotencyKey?: string }>(event: T): T {
  return event.idempotencyKey ? event : { ...event, idempotencyKey: globalThis.crypto.randomUUID() };
}

/** Adds keys to a publish or batch-publish input; anything else passes through untouched. */
export function addIdempotencyKeys(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  const record = input as { events?: unknown };
  if (Array.isArray(record.events)) {
    return { ...record, events: record.events.map((e) => (e && typeof e === 'object' ? withIdempotencyKey(e) : e)) };
  }
  return withIdempotencyKey(input as { idempotencyKey?: string });
}
