export { deliveryQueue, deadLetterQueue } from './names';
export { DeliveryJob } from './jobs';
export { bossDb } from './db-adapter';
export { createQueueClient, ensureQueues, deliveryQueueSettings, type QueueClient } from './boss';
