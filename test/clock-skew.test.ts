import { expect, it } from 'vitest';
import { fixtures } from './support/fixtures';
import { useHooklineAndReceiver } from './support/hookline';
import { busiestSecond } from './support/receiver';

// A rate-limited endpoint's slots are the database's times. A worker whose clock is off from the
// database's (another host, a clock being stepped) moves them onto its own clock: ahead, it would
// otherwise take every slot for missed and never send; behind, it would wait out the difference.
const rateLimit = 10;
const events = 20;
const skewMs = 3_000;

// Started without a worker: each test starts its own.
const env = useHooklineAndReceiver({ worker: false });

for (const [name, offsetMs] of [
  ['ahead of', skewMs],
  ['behind', -skewMs],
] as const) {
  it(`paces a rate-limited endpoint by its slots with the worker's clock ${name} the database's by 3 s`, async () => {
    const worker = await env.hookline.startWorker({ now: () => new Date(Date.now() + offsetMs) });
    try {
      const f = fixtures(env.hookline);
      const app = await f.makeApp(`skew ${name}`);
      const path = `/skew-${offsetMs > 0 ? 'ahead' : 'behind'}`;
      await f.makeEndpoint({ appId: app.id, url: env.receiver.url(path), rateLimit });
      const started = performance.now();
      await f.publishOrders(app.id, events);
      await expect.poll(() => env.receiver.on(path).length, { timeout: 15_000, interval: 50 }).toBe(events);
      // 20 at 10/s (paced 6 % under the limit) take about 2.1 s; waiting out the skew would add 3 s a claim.
      expect(performance.now() - started).toBeLessThan(2 * skewMs);
      expect(busiestSecond(env.receiver.on(path))).toBeLessThanOrEqual(rateLimit + 1);
    } finally {
      await worker.stop();
    }
  }, 30_000);
}
