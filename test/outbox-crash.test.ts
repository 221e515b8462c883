import { enqueueMany } from '@hookline/outbox';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { createCallerDatabase, spawnRelay, type CallerDatabase } from './support/outbox';
import { startReceiver, type TestReceiver } from './support/receiver';

// The relay as a real process, killed with SIGKILL after Hookline stored a batch and before the relay
// deleted it from the outbox: the worst moment. Nothing may be lost, and nothing stored twice.

let hookline: TestHookline;
let receiver: TestReceiver;
let caller: CallerDatabase;
const relays: ReturnType<typeof spawnRelay>[] = [];

beforeAll(async () => {
  hookline = await startHookline();
  receiver = await startReceiver();
  caller = await createCallerDatabase();
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.kill('SIGKILL')));
});
afterAll(async () => {
  await caller?.close();
  await hookline?.stop();
  await receiver?.close();
});

const total = 200;
const batchSize = 50;

function startRelay() {
  const relay = spawnRelay({
    OUTBOX_DATABASE_URL: caller.url,
    HOOKLINE_URL: hookline.url,
    HOOKLINE_API_KEY: testAdminKey,
    OUTBOX_BATCH_SIZE: String(batchSize),
    // The killed relay's transaction lingers until its server process notices; poll soon after.
    OUTBOX_POLL_INTERVAL_MS: '100',
  });
  relays.push(relay);
  return relay;
}

it('publishes every event once after the relay is SIGKILLed mid-batch and started again', async () => {
  const { makeApp, makeEndpoint } = fixtures(hookline);
  const app = await makeApp('crash');
  await makeEndpoint({ appId: app.id, url: receiver.url('/crash') });
  const ids = await caller.sql.begin((tx) =>
    enqueueMany(
      tx,
      Array.from({ length: total }, (_, i) => ({
        appId: app.id,
        type: 'order.created' as const,
        version: '1.0' as const,
        data: { ...orderCreatedV1, orderId: `ord_${i}` },
      })),
    ),
  );

  // A SHARE lock lets the relay take rows (FOR UPDATE) and publish them, but holds its DELETE: the
  // relay is then stopped between Hookline's answer and its own commit.
  const blocker = await caller.sql.reserve();
  await blocker`begin`;
  await blocker`lock table hookline_outbox in share mode`;
  const first = startRelay();
  await first.ready();
  const storedEvents = async () =>
    Number((await hookline.sql`select count(*)::int as n from events where app_id = ${app.id}`)[0]!.n);
  await expect.poll(storedEvents, { timeout: 15_000 }).toBe(batchSize);
  await first.kill('SIGKILL');
  await blocker`rollback`;
  blocker.release();
  // The first batch was published, and is still in the outbox: it will be published again.
  const pending = await caller.sql<{ id: string }[]>`select id from hookline_outbox order by position`;
  expect(pending.map((r) => r.id)).toEqual(ids);

  const second = startRelay();
  await second.ready();
  await expect.poll(() => caller.pending(), { timeout: 20_000, interval: 50 }).toBe(0);
  const [stored] = await hookline.sql<{ events: number; keys: number }[]>`
    select count(*)::int as events, count(distinct idempotency_key)::int as keys from events where app_id = ${app.id}`;
  expect(stored).toEqual({ events: total, keys: total });
  // Stored under the outbox row ids: the same keys the killed relay used, so its batch was not stored again.
  const keys = await hookline.sql<
    { key: string }[]
  >`select idempotency_key as key from events where app_id = ${app.id}`;
  expect(new Set(keys.map((k) => k.key))).toEqual(new Set(ids));
  await expect
    .poll(() => new Set(receiver.on('/crash').map((r) => r.headers['webhook-id'])).size, { timeout: 15_000 })
    .toBe(total);
});
