// `npm start`: the API and the delivery worker in one process, on DATABASE_URL or, when it is
// unset, on embedded PostgreSQL with its data kept in HOOKLINE_DATA_DIR (.data/ by default).
import { loadApiEnv } from '@hookline/api';
import { buildConsole } from '@hookline/console/build';
import { loadDeliveryEnv } from '@hookline/delivery';
import { exitIfStartFails, shutdownOnSignals } from '@hookline/lifecycle';
import { createLogger } from '@hookline/log';
import { loadEncryptionKeyFromEnv } from '@hookline/signing-keys';
import { startHookline } from './start-hookline';

const apiEnv = loadApiEnv();
const deliveryEnv = loadDeliveryEnv();
const level = apiEnv.HOOKLINE_LOG_LEVEL;
const log = createLogger('hookline', { level });

// Before the database: a production start without a key stops here, having touched nothing.
const encryptionKey = await exitIfStartFails(log, () => loadEncryptionKeyFromEnv(apiEnv, log));

// The console the API serves at /console: built here when missing, but only when running from source
// (`npm start`). The compiled app finds it built by `npm run build`, which has Vite; a pruned install has not.
const fromSource = import.meta.url.endsWith('.ts');
if (fromSource && (await buildConsole())) log('built the console (apps/console/dist)');

const hookline = await startHookline({
  apiEnv,
  deliveryEnv,
  encryptionKey,
  logs: { hookline: log, api: createLogger('api', { level }), delivery: createLogger('delivery', { level }) },
});

shutdownOnSignals({ log, message: 'stopping (in-flight deliveries finish first)', stop: () => hookline.stop() });
