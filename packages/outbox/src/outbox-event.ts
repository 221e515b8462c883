import type { PublishableEvent } from '@hookline/schema';

/**
 * One event for the outbox, typed exactly like `events.publish`'s input: `data` is narrowed by
 * `type` and `version` through the catalog, so 2.0's shape under "1.0" does not compile.
 * Without `idempotencyKey` the relay publishes under the row's id, which is just as stable.
 * `orderingKey` is forwarded to Hookline (ordered delivery per key); one relay publishes in enqueue order.
 */
export type OutboxEvent = PublishableEvent & { appId: string; idempotencyKey?: string; orderingKey?: string };
