// `npm start`: the API and the delivery worker in one process, on DATABASE_URL or, when it is
// unset, on embedded PostgreSQL with its data kept in HOOKLINE_DATA_DIR (.data/ by default).
import path from 'node:path';
import { loadApiEnv, startApi } from '@hookline/api';
import { createDatabaseIfMissing, databaseUrlFor } from '@hookline/db';
import { startEmbeddedPostgres, type EmbeddedServer } from '@hookline/db/embedded';
import { deliveryOptionsFromEnv, loadDeliveryEnv, startDelivery } from '@hookline/delivery';
import { loopbackCidrs } from '@hookline/egress';
import { createLogger, stopOnSignals } from '@hookline/log';
import { loadEncryptionKeyFromEnv } from '@hookline/signing-keys';

const log = createLogger('hookline');
const apiEnv = loadApiEnv();
const deliveryEnv = loadDeliveryEnv();
const production = apiEnv.NODE_ENV === 'production';

// Before the database: a production start without a key stops here, having touched nothing.
const encryptionKey = await loadEncryptionKeyFromEnv(apiEnv, log).catch((error: Error) => {
  log(error.message);
  process.exit(1);
});

// Development allows loopback so the README walkthrough can send webhooks to a receiver on this machine.
const allowedCidrs = apiEnv.HOOKLINE_ALLOWED_CIDRS ?? (production ? [] : loopbackCidrs);
if (!apiEnv.HOOKLINE_ALLOWED_CIDRS && !production) {
  log(
    `development mode: webhooks may be sent to loopback addresses (${loopbackCidrs.join(', ')}); private, link-local ` +
      'and metadata addresses are still refused. NODE_ENV=production refuses loopback too; HOOKLINE_ALLOWED_CIDRS replaces this list.',
  );
}

let embedded: EmbeddedServer | null = null;
let databaseUrl = apiEnv.DATABASE_URL;
if (!databaseUrl) {
  const dataDir = path.resolve(apiEnv.HOOKLINE_DATA_DIR, 'pg');
  log(
    `DATABASE_URL is not set: starting embedded PostgreSQL in ${dataDir} on port ${apiEnv.HOOKLINE_EMBEDDED_PG_PORT}`,
  );
  embedded = await startEmbeddedPostgres({ dataDir, port: apiEnv.HOOKLINE_EMBEDDED_PG_PORT, log });
  await createDatabaseIfMissing(embedded.url(), 'hookline');
  databaseUrl = databaseUrlFor(embedded.url(), 'hookline');
}

const api = await startApi({
  databaseUrl,
  host: apiEnv.HOST,
  port: apiEnv.PORT,
  adminKey: apiEnv.HOOKLINE_ADMIN_KEY,
  maxPayloadBytes: apiEnv.HOOKLINE_MAX_PAYLOAD_BYTES,
  log: createLogger('api'),
  encryptionKey,
  allowedCidrs,
  operatorAppId: apiEnv.HOOKLINE_OPERATOR_APP_ID,
});
const worker = await startDelivery({
  databaseUrl,
  log: createLogger('delivery'),
  ...deliveryOptionsFromEnv(deliveryEnv),
  encryptionKey,
  // After the spread: in development this adds loopback to what the environment allows.
  allowedCidrs,
});

log(`Hookline is running: API on ${api.url} (tRPC at ${api.url}/trpc), delivery worker started`);
if (api.generatedAdminKey) {
  log(`admin API key, shown once (store it now): ${api.generatedAdminKey}`);
}

stopOnSignals({
  log,
  message: 'stopping (in-flight deliveries finish first)',
  stop: async () => {
    await worker.stop();
    await api.stop();
    await embedded?.stop();
  },
});
