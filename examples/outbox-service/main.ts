// A tiny order service: writes an order and its event in one transaction, and runs the relay
// in-process (a bigger deployment runs `packages/outbox/src/relay-main.ts` on its own instead).
//   SHOP_DATABASE_URL=postgres://… HOOKLINE_URL=http://127.0.0.1:3000 HOOKLINE_API_KEY=hk_… \
//   HOOKLINE_APP_ID=app_… npx tsx examples/outbox-service/main.ts
import { createLogger } from '@hookline/log';
import { startOutboxRelay } from '@hookline/outbox';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createOrder } from './create-order';
import { createTablesSql, outbox } from './schema';

const sql = postgres(process.env.SHOP_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', {
  onnotice: () => {},
});
await sql.unsafe(createTablesSql);
const db = drizzle({ client: sql });

const relay = await startOutboxRelay({
  database: sql,
  hookline: { url: process.env.HOOKLINE_URL ?? 'http://127.0.0.1:3000', apiKey: process.env.HOOKLINE_API_KEY ?? '' },
  outbox: outbox.location,
  log: createLogger('outbox-service'),
});

const { orderId, outboxId } = await createOrder(db, {
  appId: process.env.HOOKLINE_APP_ID ?? '',
  order: {
    id: `ord_${Date.now()}`,
    customerId: 'cus_456',
    currency: 'USD',
    items: [{ productId: 'prod_1', quantity: 2, price: 49.99 }],
  },
});
console.log(`order ${orderId} committed with its event (outbox row ${outboxId})`);

// Published within milliseconds (the commit's NOTIFY wakes the relay); wait until the outbox is empty.
while ((await relay.pendingAgeMs()) !== null) await new Promise((r) => setTimeout(r, 50));
console.log(`published; relay stats ${JSON.stringify(relay.stats())}`);
await relay.stop();
await sql.end();
