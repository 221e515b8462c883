import type { Log } from '@hookline/log';
import type { AddressInfo } from 'node:net';
import { createDatabase, migrate } from '@hookline/db';
import { createEgressPolicy, systemResolveHost, type ResolveHost } from '@hookline/egress';
import { createQueueClient, ensureOperatorApp, ensureQueues } from '@hookline/pipeline';
import type { EncryptionKey } from '@hookline/signing-keys';
import { ensureAdminKey } from './services/admin-key';
import { createApiServer } from './server';

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
};

/** Migrates, then serves the API until `stop()`. */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  await migrate(options.databaseUrl);
  const { db, close } = createDatabase(options.databaseUrl, { max: 20, applicationName: 'hookline-api' });
  const operatorAppId = options.operatorAppId ?? null;
  await ensureOperatorApp(db, operatorAppId);
  const boss = createQueueClient({
    connectionString: options.databaseUrl,
    applicationName: 'hookline-api-queue',
    onError: (error) => options.log.error('queue error', { error: error.message }),
  });
  await boss.start();
  // Creates the queues on a fresh database; their settings belong to the delivery worker.
  await ensureQueues(boss);
  const { generatedKey } = await ensureAdminKey(db, options.adminKey);

  const server = createApiServer({
    db,
    boss,
    log: options.log,
    operatorAppId,
    maxPayloadBytes: options.maxPayloadBytes,
    encryptionKey: options.encryptionKey,
    egress: createEgressPolicy({ allowedCidrs: options.allowedCidrs }),
    resolveHost: options.resolveHost ?? systemResolveHost,
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await boss.stop({ graceful: true, timeout: 10_000 });
      await close();
    },
  };
}
