// The relay as a process of its own: `npx tsx packages/outbox/src/relay-main.ts`, configured by
// environment (src/env.ts). Stops cleanly on SIGINT/SIGTERM; a SIGKILL loses nothing (see README).
import { shutdownOnSignals } from '@hookline/lifecycle';
import { createLogger } from '@hookline/log';
import { readRelayEnv } from './env';
import { startOutboxRelay } from './relay';

const env = readRelayEnv();
const log = createLogger('outbox-relay');

const relay = await startOutboxRelay({
  database: env.OUTBOX_DATABASE_URL,
  hookline: { url: env.HOOKLINE_URL, apiKey: env.HOOKLINE_API_KEY },
  outbox: { schema: env.OUTBOX_SCHEMA, table: env.OUTBOX_TABLE },
  batchSize: env.OUTBOX_BATCH_SIZE,
  pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
  log,
});

shutdownOnSignals({ log, stop: () => relay.stop(), message: 'finishing the batch under way' });
