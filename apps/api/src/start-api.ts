import type { Log } from '@hookline/log';
import type { AddressInfo } from 'node:net';
import { createDatabase, isDatabaseUnavailable, migrate } from '@hookline/db';
import { createMetrics, createReadiness, type Metrics } from '@hookline/monitoring';
import { createEgressPolicy, systemResolveHost, type ResolveHost } from '@hookline/egress';
import { createQueueClient, ensureOperatorApp, ensureQueues, tableBytes } from '@hookline/pipeline';
import type { EncryptionKey } from '@hookline/signing-keys';
import { countForMetrics } from './database-counts';
import { ensureAdminKey } from './services/admin-key';
import { upgradeApiKeyHashes } from './services/upgrade-api-key-hashes';
import { createApiServer } from './server';
import type { ServerLimits } from './server-limits';

type RunningApi = {
  url: string;
  /** Set on the first start without HOOKLINE_ADMIN_KEY: print it once, it is not stored. */
  generatedAdminKey: string | null;
  stop: () => Promise<void>;
};

export type StartApiOptions = {
  databaseUrl: string;
  host: string;
  port: number;
  adminKey?: string;
  maxPayloadBytes: number;
  log: Log;
  /** Encrypts endpoint signing keys at rest; see loadEncryptionKey for where it comes from. */
  encryptionKey: EncryptionKey;
  /**
   * Non-public CIDR blocks endpoint URLs may point into. Empty (the default) refuses loopback, private,
   * link-local and metadata addresses; `npm start` in development passes loopback.
   */
  allowedCidrs?: readonly string[];
  /** Replaces DNS for the endpoint URL check (tests). */
  resolveHost?: ResolveHost;
  operatorAppId?: string | null;
  /**
   * Where this process's metrics go; the all-in-one process passes the worker's registry so one
   * /metrics shows both. Created (on) when not given.
   */
  metrics?: Metrics;
  /** Slow-client timeouts and the connection cap; defaults in server.ts. */
  serverLimits?: Partial<ServerLimits>;
  /** The built console to serve at /console; default: this repository's apps/console/dist. */
  consoleDir?: string;
};

/**
 * How long a request may wait for a database connection, in ms: under the 2 s a caller should wait
 * for any answer during an outage, with room for the answer itself.
 */
const connectionWaitMs = 1_500;

/** Migrates, then serves the API until `stop()`. */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  await migrate(options.databaseUrl);
  const { db, close, availability } = createDatabase(options.databaseUrl, {
    max: 20,
    applicationName: 'hookline-api',
    // A request waits at most this long for a connection, then answers 503; while the database is
    // known to be unreachable it does not wait at all.
    connectionWaitMs: connectionWaitMs,
    log: options.log,
    label: 'api',
  });
  const operatorAppId = options.operatorAppId ?? null;
  await ensureOperatorApp(db, operatorAppId);
  const boss = createQueueClient({
    connectionString: options.databaseUrl,
    applicationName: 'hookline-api-queue',
    // An outage is the database pool's to report, in two lines; pg-boss would add one per poll.
    onError: (error) =>
      isDatabaseUnavailable(error) ? undefined : options.log.error('queue error', { error: error.message }),
  });
  await boss.start();
  let queueRunning = true;
  // Creates the queues on a fresh database; their settings belong to the delivery worker.
  await ensureQueues(boss);
  const upgraded = await upgradeApiKeyHashes(db, options.encryptionKey);
  if (upgraded > 0) options.log(`upgraded ${upgraded} API key hash(es) to keyed hashes`);
  const { generatedKey } = await ensureAdminKey(db, options.encryptionKey, options.adminKey);
  const metrics = options.metrics ?? createMetrics();
  metrics.observeDatabase(() => countForMetrics(db));
  metrics.observeTableSizes(() => tableBytes(db));

  const server = createApiServer({
    db,
    databaseAvailability: availability,
    boss,
    log: options.log,
    operatorAppId,
    maxPayloadBytes: options.maxPayloadBytes,
    limits: options.serverLimits,
    encryptionKey: options.encryptionKey,
    egress: createEgressPolicy({ allowedCidrs: options.allowedCidrs }),
    resolveHost: options.resolveHost ?? systemResolveHost,
    metrics,
    readiness: createReadiness({ db, queueRunning: () => queueRunning }),
    consoleDir: options.consoleDir,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host}:${port}`,
    generatedAdminKey: generatedKey,
    stop: async () => {
      queueRunning = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await boss.stop({ graceful: true, timeout: 10_000 });
      await close();
    },
  };
}
