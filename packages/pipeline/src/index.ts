export { deliveryQueue, deadLetterQueue, queueSchema } from './names';
export { DeliveryJob } from './jobs';
export { insertDeliveryJobs, type DeliveryJobToInsert, type InsertDeliveryJobsTarget } from './insert-jobs';
export {
  createQueueClient,
  ensureQueues,
  defaultDeliveryQueueSettings,
  queueRetentionSettings,
  maintenanceIntervalFor,
  type DeliveryQueueSettings,
  type QueueClient,
} from './boss';
export { storeEvents, storeEventsOfApps, type EventToStore, type StoredEvent } from './store-events';
export { createDeliveries, type DeliveryToCreate } from './create-deliveries';
export { publishOperationalEvents, type OperationalFact } from './operational-events';
export { ensureOperatorApp, operatorAppIdPattern } from './operator-app';
export { requeueDeliveries, type RequeueResult } from './requeue-deliveries';
export {
  countDeadLetters,
  findDeadLetters,
  parseDeadLetterCursor,
  type DeadLetterCursor,
  type DeadLetterFilter,
  type WaitingDeadLetter,
} from './dead-letters';
export { countQueueJobs, type QueueCounts } from './queue-counts';
export { reconcileDeliveries, type ReconcileResult, type ReconciledDelivery } from './reconcile-deliveries';
export { type LostDeadLetter } from './record-lost-dead-letters';
export { sweepExpired, type SweepOptions, type SweepResult } from './sweep-expired';
export { tableBytes, type TableBytes } from './table-bytes';
export { createSweptTablesVacuum } from './vacuum-swept-tables';
export { advanceLines, lockLines, type Line } from './ordering-lines';
export { createQueueDatabase, type QueueDatabase } from './queue-database';
