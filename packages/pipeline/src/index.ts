export { deliveryQueue, deadLetterQueue, queueSchema } from './names';
export { DeliveryJob } from './jobs';
export { insertDeliveryJobs, type DeliveryJobToInsert } from './insert-jobs';
export {
  createQueueClient,
  ensureQueues,
  defaultDeliveryQueueSettings,
  type DeliveryQueueSettings,
  type QueueClient,
} from './boss';
export { storeEvents, type EventToStore, type StoredEvent } from './store-events';
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
