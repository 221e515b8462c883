export { defineOutbox, type Outbox } from './define-outbox';
export { defaultOutbox, enqueue, enqueueMany } from './default-outbox';
export type { OutboxEvent } from './outbox-event';
export { defaultOutboxLocation, notifyChannel, type OutboxLocation } from './outbox-location';
export { outboxTable, outboxStates, type OutboxTable } from './outbox-table';
export { createOutboxTableSql } from './create-table-sql';
export type { OutboxTransaction, DrizzleTransaction, PostgresTransaction } from './transaction';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type OutboxRelayStats } from './relay';
