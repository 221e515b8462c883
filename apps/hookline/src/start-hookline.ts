import { announceAdminKey, serverLimitsFromEnv, startApi, type ApiEnv } from '@hookline/api';
import { deliveryOptionsFromEnv, startDelivery, type DeliveryEnv } from '@hookline/delivery';
import { loopbackCidrs } from '@hookline/egress';
import type { Log } from '@hookline/log';
import { createMetrics } from '@hookline/monitoring';
import type { EncryptionKey } from '@hookline/signing-keys';
import { databaseForHookline } from './database';

export type StartHooklineOptions = {
  apiEnv: ApiEnv;
  deliveryEnv: DeliveryEnv;
  encryptionKey: EncryptionKey;
  logs: { hookline: Log; api: Log; delivery: Log };
};

/**
 * The API and the delivery worker in this process, on one database. `stop()` drains the worker
 * first (in-flight deliveries finish), then the API, then embedded PostgreSQL if it was started.
 */
export async function startHookline({
  apiEnv,
  deliveryEnv,
  encryptionKey,
  logs,
}: StartHooklineOptions): Promise<{ stop: () => Promise<void> }> {
  const log = logs.hookline;
  const production = apiEnv.NODE_ENV === 'production';

  // Development allows loopback so the README walkthrough can send webhooks to a receiver on this machine.
  const allowedCidrs = apiEnv.HOOKLINE_ALLOWED_CIDRS ?? (production ? [] : loopbackCidrs);
  if (!apiEnv.HOOKLINE_ALLOWED_CIDRS && !production) {
    log(
      `development mode: webhooks may be sent to loopback addresses (${loopbackCidrs.join(', ')}); private, link-local ` +
        'and metadata addresses are still refused. NODE_ENV=production refuses loopback too; HOOKLINE_ALLOWED_CIDRS replaces this list.',
    );
  }

  const { databaseUrl, embedded } = await databaseForHookline({
    databaseUrl: apiEnv.DATABASE_URL,
    dataDir: apiEnv.HOOKLINE_DATA_DIR,
    embeddedPort: apiEnv.HOOKLINE_EMBEDDED_PG_PORT,
    log,
  });

  // One registry for both: the API's /metrics shows the worker's figures too.
  const metrics = createMetrics({ enabled: apiEnv.HOOKLINE_METRICS });
  const api = await startApi({
    databaseUrl,
    host: apiEnv.HOST,
    port: apiEnv.PORT,
    adminKey: apiEnv.HOOKLINE_ADMIN_KEY,
    maxPayloadBytes: apiEnv.HOOKLINE_MAX_PAYLOAD_BYTES,
    log: logs.api,
    encryptionKey,
    allowedCidrs,
    operatorAppId: apiEnv.HOOKLINE_OPERATOR_APP_ID,
    metrics,
    serverLimits: serverLimitsFromEnv(apiEnv),
  });
  const worker = await startDelivery({
    databaseUrl,
    log: logs.delivery,
    ...deliveryOptionsFromEnv(deliveryEnv),
    encryptionKey,
    // After the spread: in development this adds loopback to what the environment allows.
    allowedCidrs,
    metrics,
    // The API's port already serves /health, /ready and /metrics for the whole process.
    statusServer: null,
  });

  log(`Hookline is running: API on ${api.url} (tRPC at ${api.url}/trpc), delivery worker started`);
  if (api.generatedAdminKey) await announceAdminKey(api.generatedAdminKey, { dataDir: apiEnv.HOOKLINE_DATA_DIR, log });

  return {
    stop: async () => {
      await worker.stop();
      await api.stop();
      await embedded?.stop();
    },
  };
}
