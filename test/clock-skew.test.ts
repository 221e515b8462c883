import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderCreatedV1 } from './support/fixtures';
import { startHookline, type TestHookline } from './support/hookline';
import { busiestSecond, startReceiver, type TestReceiver } from './support/receiver';

// A rate-limited endpoint's slots are the database's times. A worker whose clock is off from the
// database's (another host, a clock being stepped) moves them onto its own clock: ahead, it would
// otherwise take every slot for missed and never send; behind, it would wait out the difference.
const rateLimit = 10;
const events = 20;
const skewMs = 3_000;

let hookline: TestHookline;
let receiver: TestReceiver;
beforeAll(async () => {
  hookline = await startHookline({ worker: false });
  receiver = await startReceiver();
});
afterAll(async () => {
  await hookline?.stop();
  await receiver?.close();
});

for (const [name, offsetMs] of [
  ['ahead of', skewMs],
  ['behind', -skewMs],
] as const) {
  it(`paces a rate-limited endpoint by its slots with the worker's clock ${name} the database's by 3 s`, async () => {
    const worker = await hookline.startWorker({ now: () => new Date(Date.now() + offsetMs) });
    try {
      const app = await hookline.client.applications.create.mutate({ name: `skew ${name}` });
      const path = `/skew-${offsetMs > 0 ? 'ahead' : 'behind'}`;
      await hookline.client.endpoints.create.mutate({ appId: app.id, url: receiver.url(path), rateLimit });
      const started = performance.now();
      await hookline.client.events.publishBatch.mutate({
        appId: app.id,
        events: Array.from({ length: events }, () => ({
          type: 'order.created' as const,
          version: '1.0' as const,
          data: orderCreatedV1,
        })),
      });
      await expect.poll(() => receiver.on(path).length, { timeout: 15_000, interval: 50 }).toBe(events);
      // 20 at 10/s (paced 6 % under the limit) take about 2.1 s; waiting out the skew would add 3 s a claim.
      expect(performance.now() - started).toBeLessThan(2 * skewMs);
      expect(busiestSecond(receiver.on(path))).toBeLessThanOrEqual(rateLimit + 1);
    } finally {
      await worker.stop();
    }
  }, 30_000);
}
