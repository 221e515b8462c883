// The delivery worker alone, for deployments that scale it apart from the API.
// Needs DATABASE_URL; `npm start` at the repository root runs everything on embedded PostgreSQL.
import { requireDatabaseUrl } from '@hookline/db';
import { exitIfStartFails, shutdownOnSignals } from '@hookline/lifecycle';
import { createLogger } from '@hookline/log';
import { createMetrics } from '@hookline/monitoring';
import { loadEncryptionKeyFromEnv } from '@hookline/signing-keys';
import { deliveryOptionsFromEnv, loadDeliveryEnv } from './env';
import { startDelivery } from './start-delivery';

const env = loadDeliveryEnv();
const log = createLogger('delivery', { level: env.HOOKLINE_LOG_LEVEL });
const databaseUrl = await exitIfStartFails(log, () => requireDatabaseUrl(env.DATABASE_URL));
const encryptionKey = await exitIfStartFails(log, () => loadEncryptionKeyFromEnv(env, log));
// A deployment entry point: only what the operator allow-listed, never loopback by default.
const worker = await startDelivery({
  databaseUrl,
  log,
  encryptionKey,
  metrics: createMetrics({ enabled: env.HOOKLINE_METRICS }),
  ...deliveryOptionsFromEnv(env),
});
log('delivery worker started', { pid: process.pid, ...(worker.statusUrl ? { status: worker.statusUrl } : {}) });

shutdownOnSignals({ log, stop: () => worker.stop(), message: 'finishing in-flight deliveries, then stopping' });
