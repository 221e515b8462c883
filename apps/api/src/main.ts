// The API alone, for deployments that run it apart from the delivery worker.
// Needs DATABASE_URL; `npm start` at the repository root runs everything on embedded PostgreSQL.
import { announceAdminKey } from './announce-admin-key';
import { loadApiEnv, serverLimitsFromEnv } from './env';
import { startApi } from './start-api';
import { requireDatabaseUrl } from '@hookline/db';
import { exitIfStartFails, shutdownOnSignals } from '@hookline/lifecycle';
import { createLogger } from '@hookline/log';
import { createMetrics } from '@hookline/monitoring';
import { loadEncryptionKeyFromEnv } from '@hookline/signing-keys';

const env = loadApiEnv();
const log = createLogger('api', { level: env.HOOKLINE_LOG_LEVEL });
const databaseUrl = await exitIfStartFails(log, () => requireDatabaseUrl(env.DATABASE_URL));
const encryptionKey = await exitIfStartFails(log, () => loadEncryptionKeyFromEnv(env, log));
const api = await startApi({
  databaseUrl,
  host: env.HOST,
  port: env.PORT,
  adminKey: env.HOOKLINE_ADMIN_KEY,
  maxPayloadBytes: env.HOOKLINE_MAX_PAYLOAD_BYTES,
  log,
  encryptionKey,
  // A deployment entry point: only what the operator allow-listed, never loopback by default.
  allowedCidrs: env.HOOKLINE_ALLOWED_CIDRS ?? [],
  operatorAppId: env.HOOKLINE_OPERATOR_APP_ID,
  metrics: createMetrics({ enabled: env.HOOKLINE_METRICS }),
  serverLimits: serverLimitsFromEnv(env),
});
log(`API listening on ${api.url}`);
if (api.generatedAdminKey) await announceAdminKey(api.generatedAdminKey, { dataDir: env.HOOKLINE_DATA_DIR, log });

shutdownOnSignals({ log, stop: () => api.stop(), message: 'stopping' });
