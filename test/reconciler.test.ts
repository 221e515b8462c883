import { createMetrics } from '@hookline/monitoring';
import { reconcileDeliveries, type QueueClient } from '@hookline/pipeline';
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
  boss = await hookline.queueClient();
});
afterAll(async () => {
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
    const started = performance.now();
    await f.waitForDelivery(deliveryId, 'delivered', 2 * reconcileSeconds * 1000);
    const took = performance.now() - started;
    expect(took).toBeLessThan(2 * reconcileSeconds * 1000);
    expect(receiver.on('/orphan')).toHaveLength(1);
    await worker.stop();
  });

  it("records why a failed delivery's dead letter is gone (removed, expired), counts it, and a retry clears it", async () => {
    const app = await f.makeApp();
    receiver.route('/dead', { status: 500 });
    // No retries: the first 500 gives up, so each delivery ends failed with a dead letter.
    await f.makeEndpoint({ appId: app.id, url: receiver.url('/dead'), retrySchedule: [] });
    const removed = (await f.publishOrder(app.id, 'ord_dl_removed')).deliveries[0]!.id;
    const expired = (await f.publishOrder(app.id, 'ord_dl_expired')).deliveries[0]!.id;
    // This worker's reconciler never runs during the test: each check below decides when one does.
    const delivering = await hookline.startWorker({ reconcileSeconds: 3600 });
    for (const id of [removed, expired]) await f.waitForDelivery(id, 'failed');
    const deadLetterOf = async (deliveryId: string) => {
      const [row] = await hookline.sql<{ n: number }[]>`
        select count(*)::int as n from pgboss.job j join deliveries d on j.source_root_id = d.job_id
         where j.name = 'delivery-dead-letter' and j.state = 'created' and d.id = ${deliveryId}`;
      return row!.n;
    };
    for (const id of [removed, expired]) await expect.poll(() => deadLetterOf(id), { timeout: 10_000 }).toBe(1);
    await delivering.stop();

    // While its dead letter waits, a failed delivery is left alone.
    const before = await reconcileDeliveries(hookline.db, boss);
    expect(before.deadLetterLost.map((l) => l.deliveryId)).not.toContain(removed);
    expect(before.deadLetterLost.map((l) => l.deliveryId)).not.toContain(expired);

    // Deleted by hand, long before the dead-letter retention (30 days here): `removed`, logged and counted.
    await hookline.sql`
      delete from pgboss.job j using deliveries d
       where j.name = 'delivery-dead-letter' and j.source_root_id = d.job_id and d.id = ${removed}`;
    const metrics = createMetrics();
    const reconciling = await hookline.startWorker({ reconcileSeconds: 1, metrics });
    await expect
      .poll(async () => (await hookline.client.deliveries.get.query({ deliveryId: removed })).deadLetterLost, {
        timeout: 15_000,
        interval: 100,
      })
      .toBe('removed');
    const text = (await metrics.render())!.body;
    expect(text).toMatch(/^hookline_reconciled_deliveries_total\{kind="dead_letter_lost"\} 1$/m);
    expect(text).toMatch(/^hookline_reconciled_deliveries_total\{kind="requeued"\} 0$/m);
    await reconciling.stop();
    // Recorded once: the next run does not find it again.
    expect((await reconcileDeliveries(hookline.db, boss)).deadLetterLost).toEqual([]);

    // Gone after the dead-letter retention (one minute here; it gave up two minutes ago): `expired`.
    await hookline.sql`update deliveries set updated_at = now() - interval '2 minutes' where id = ${expired}`;
    await hookline.sql`
      delete from pgboss.job j using deliveries d
       where j.name = 'delivery-dead-letter' and j.source_root_id = d.job_id and d.id = ${expired}`;
    const after = await reconcileDeliveries(hookline.db, boss, { deadLetterRetentionSeconds: 60 });
    expect(after.deadLetterLost).toEqual([expect.objectContaining({ deliveryId: expired, reason: 'expired' })]);
    const shown = await hookline.rest('GET', `/deliveries/${expired}`);
    expect(shown.body).toMatchObject({ status: 'failed', deadLetterLost: 'expired' });

    // A retry gives the delivery a new attempt: the reason described the failure before it.
    const retried = await hookline.client.deliveries.retry.mutate({ deliveryId: removed });
    expect(retried).toMatchObject({ status: 'pending', deadLetterLost: null });
  });
});
