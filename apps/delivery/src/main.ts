// The delivery worker alone, for deployments that scale it apart from the API.
// Needs DATABASE_URL; `npm start` at the repository root runs everything on embedded PostgreSQL.
import { createLogger } from '@hookline/log';
import { loadEncryptionKey } from '@hookline/signing-keys';
import { deliveryOptionsFromEnv, loadDeliveryEnv } from './env';
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
// A deployment entry point: only what the operator allow-listed, never loopback by default.
const worker = await startDelivery({ databaseUrl: env.DATABASE_URL, log, encryptionKey, ...deliveryOptionsFromEnv(env) });
log('delivery worker started', { pid: process.pid });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    log(`${signal}: finishing in-flight deliveries, then stopping`);
    await worker.stop();
    log('delivery worker stopped');
    process.exit(0);
  });
}
