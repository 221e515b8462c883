export { deliveryQueue, deadLetterQueue, queueSchema } from './names';
export { DeliveryJob } from './jobs';
export { bossDb } from './db-adapter';
export { enqueueAttempts, type AttemptToEnqueue } from './enqueue';
export {
  createQueueClient,
  ensureQueues,
  defaultDeliveryQueueSettings,
  type DeliveryQueueSettings,
  type QueueClient,
} from './boss';
