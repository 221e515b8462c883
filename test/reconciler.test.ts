import { createQueueClient, reconcileDeliveries, type QueueClient } from '@hookline/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { startReceiver, type TestReceiver } from './support/receiver';

let hookline: TestHookline;
let receiver: TestReceiver;
let f: ReturnType<typeof fixtures>;
let boss: QueueClient;

beforeAll(async () => {
  // No worker yet: each test decides when one runs, so a job can be lost before anyone takes it.
  hookline = await startHookline({ worker: false });
  receiver = await startReceiver();
  f = fixtures(hookline);
  boss = createQueueClient({ connectionString: hookline.databaseUrl, max: 2, onError: () => {} });
  await boss.start();
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await hookline?.stop();
  await receiver?.close();
});

async function jobOf(deliveryId: string) {
  const [row] = await hookline.sql<{ job_id: string | null; state: string | null }[]>`
    select d.job_id, j.state from deliveries d
      left join pgboss.job j on j.name = 'delivery' and j.id = d.job_id
     where d.id = ${deliveryId}`;
  return row!;
}

describe('reconciler', () => {
  it('records the live job on every new delivery, and leaves deliveries that have one alone', async () => {
    const app = await f.makeApp();
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/recorded') });
    const event = await f.publishOrder(app.id);
    expect(await jobOf(event.deliveries[0]!.id)).toMatchObject({ job_id: expect.any(String), state: 'created' });

    const { requeued } = await reconcileDeliveries(hookline.db, boss);
    expect(requeued.map((r) => r.deliveryId)).not.toContain(event.deliveries[0]!.id);
  });

  it('enqueues again a pending delivery whose job was deleted by hand: it arrives within 2 × the interval', async () => {
    const reconcileSeconds = 1;
    const app = await f.makeApp();
    receiver.route('/orphan', { status: 200 });
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/orphan') });
    const event = await f.publishOrder(app.id, 'ord_orphan');
    const deliveryId = event.deliveries[0]!.id;
    const { job_id } = await jobOf(deliveryId);
    await hookline.sql`delete from pgboss.job where name = 'delivery' and id = ${job_id}`;

    const worker = await hookline.startWorker({ reconcileSeconds });
    const started = Date.now();
    await f.waitForDelivery(deliveryId, 'delivered', 2 * reconcileSeconds * 1000);
    const took = Date.now() - started;
    expect(took).toBeLessThan(2 * reconcileSeconds * 1000);
    expect(receiver.on('/orphan')).toHaveLength(1);
    await worker.stop();
  });
});
