export { storeEvents, type EventToStore, type StoredEvent } from './store-events';
export { createDeliveries, type DeliveryToCreate } from './create-deliveries';
export {
  publishOperationalEvents,
  ensureOperatorApp,
  operatorAppIdPattern,
  type OperationalFact,
} from './operational-events';
