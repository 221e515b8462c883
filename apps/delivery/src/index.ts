export { startDelivery, type StartDeliveryOptions, type RunningDelivery } from './start-delivery';
export { loadDeliveryEnv, type DeliveryEnv } from './env';
export { defaultRetrySchedule, decideNext, maxAttempts } from './retry-policy';
export { createHttpSender, type SendWebhook } from './http-sender';
