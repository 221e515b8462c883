// The delivery worker alone, for deployments that scale it apart from the API.
// Needs DATABASE_URL; `npm start` at the repository root runs everything on embedded PostgreSQL.
import { createLogger } from '@hookline/log';
import { loadEncryptionKey } from '@hookline/signing-keys';
import { loadDeliveryEnv } from './env';
import { startDelivery } from './start-delivery';

const log = createLogger('delivery');
const env = loadDeliveryEnv();
if (!env.DATABASE_URL) {
  console.error('DATABASE_URL is not set. Set it, or run `npm start` at the repository root to use embedded PostgreSQL.');
  process.exit(1);
}
const encryptionKey = await loadEncryptionKey({
  configured: env.HOOKLINE_ENCRYPTION_KEY,
  production: env.NODE_ENV === 'production',
  dataDir: env.HOOKLINE_DATA_DIR,
  log,
});
const worker = await startDelivery({
  databaseUrl: env.DATABASE_URL,
  log,
  encryptionKey,
  // A deployment entry point: only what the operator allow-listed, never loopback by default.
  allowedCidrs: env.HOOKLINE_ALLOWED_CIDRS ?? [],
  requestTimeoutMs: env.HOOKLINE_REQUEST_TIMEOUT_MS,
  responseBodyLimitBytes: env.HOOKLINE_RESPONSE_BODY_LIMIT_BYTES,
  retrySchedule: env.HOOKLINE_RETRY_SCHEDULE,
  batchSize: env.HOOKLINE_WORKER_BATCH_SIZE,
  concurrency: env.HOOKLINE_WORKER_CONCURRENCY,
});
log('delivery worker started');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    log(`${signal}: finishing in-flight deliveries, then stopping`);
    await worker.stop();
    process.exit(0);
  });
}
