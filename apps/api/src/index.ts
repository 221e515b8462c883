export type { AppRouter } from './routers';
export { appRouter } from './routers';
export { startApi, type RunningApi, type StartApiOptions } from './start-api';
export { createApiServer } from './server';
export { loadApiEnv, type ApiEnv } from './env';
export { createApiKey } from './auth/api-keys';
