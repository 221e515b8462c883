export { startDelivery, type StartDeliveryOptions, type RunningDelivery } from './start-delivery';
export { loadDeliveryEnv, deliveryOptionsFromEnv, type DeliveryEnv } from './env';
export {
  defaultRetrySchedule,
  defaultRetryPolicy,
  decideNext,
  maxAttempts,
  isRetryable,
  type RetryPolicy,
} from './retry-policy';
export { createHttpSender, type SendWebhook } from './http-sender';
