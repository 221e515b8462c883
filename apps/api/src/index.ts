export type { AppRouter } from './routers';
export { appRouter } from './routers';
export { startApi, type StartApiOptions } from './start-api';
export { loadApiEnv, serverLimitsFromEnv, type ApiEnv } from './env';
export { announceAdminKey } from './announce-admin-key';
export { createApiKey } from './services/api-keys';
