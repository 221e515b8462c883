import { describe, expect, it } from 'vitest';
import type { SlotClaim } from './claim-slots';
import type { DeliveryWork } from './parse-jobs';
import { createPacer } from './send-lanes';
import { congestedDeferralMs, intervalFor, planLanes, slotDemands } from './throttle-plan';

const work = (endpointId: string, n: number, endpoint: { rateLimit?: number; enabled?: boolean } = {}) =>
  Array.from(
    { length: n },
    (_, i) =>
      ({
        job: { id: `${endpointId}-job-${i}` },
        data: { v: 1, deliveryId: `${endpointId}-dlv-${i}`, attempt: 1 },
        row: { endpoint: { id: endpointId, rateLimit: null, maxInFlight: 10, enabled: true, ...endpoint } },
      }) as unknown as DeliveryWork,
  );

describe('throttle plan', () => {
  it('spaces slots 6 % wider than 1/rate', () => {
    expect(intervalFor(null)).toBeNull();
    expect(intervalFor(20)).toBeCloseTo(1000 / 18.8);
  });

  it('asks once per endpoint, and nothing for a disabled one', () => {
    expect(
      slotDemands([...work('ep_a', 3), ...work('ep_b', 2, { rateLimit: 20 }), ...work('ep_c', 1, { enabled: false })]),
    ).toEqual([
      { endpointId: 'ep_a', jobs: 3, intervalMs: null, maxInFlight: 10 },
      { endpointId: 'ep_b', jobs: 2, intervalMs: intervalFor(20), maxInFlight: 10 },
    ]);
  });

  it('shares an endpoint’s jobs over its lanes; with no lease they all wait', () => {
    const claims = new Map<string, SlotClaim>([
      ['ep_a', { leaseIds: ['l1', 'l2'], firstSlot: null, jobs: 5, requestMs: 3 }],
      ['ep_b', { leaseIds: [], firstSlot: null, jobs: 0, requestMs: 3 }],
    ]);
    const { lanes, waiting } = planLanes([...work('ep_a', 5), ...work('ep_b', 2)], claims);
    expect(lanes.map((l) => [l.leaseId, l.items.length])).toEqual([
      ['l1', 3],
      ['l2', 2],
    ]);
    expect(waiting.map((w) => w.job.id)).toEqual(['ep_b-job-0', 'ep_b-job-1']);
  });

  it('gives a rate-limited endpoint’s kept jobs their slots, one interval apart, and queues the rest', () => {
    const first = new Date('2026-01-01T00:00:00.000Z');
    const claims = new Map<string, SlotClaim>([
      ['ep_r', { leaseIds: ['l1', 'l2'], firstSlot: first, jobs: 3, requestMs: 3 }],
    ]);
    const { lanes, waiting } = planLanes(work('ep_r', 5, { rateLimit: 10 }), claims);
    const step = intervalFor(10)!;
    const offsets = (lane: number) => lanes[lane]!.items.map((i) => i.slotAt!.getTime() - first.getTime());
    expect(offsets(0)).toEqual([0, Math.floor(2 * step)]);
    expect(offsets(1)).toEqual([Math.floor(step)]);
    expect(waiting).toHaveLength(2);
  });
});

describe('pacer', () => {
  it('keeps starts an interval apart and gives up a slot it cannot start near', async () => {
    const pace = createPacer();
    const now = Date.now();
    expect(await pace('ep', new Date(now), 60)).toBe(true);
    const second = Date.now();
    // The next slot comes early for a timer: it still starts an interval after the first.
    expect(await pace('ep', new Date(now + 20), 60)).toBe(true);
    expect(Date.now() - second).toBeGreaterThanOrEqual(55);
    // A slot long past: given up.
    expect(await pace('ep', new Date(now - 5_000), 60)).toBe(false);
  });

  it('defers a congested endpoint for the request timeout, doubling per deferral up to 5 minutes, ±20 %', () => {
    const at = (earlierDeferrals: number, r: number) =>
      congestedDeferralMs({ requestTimeoutMs: 15_000, earlierDeferrals, random: () => r });
    expect(at(0, 0.5)).toBe(15_000);
    expect(at(1, 0.5)).toBe(30_000);
    expect(at(10, 0.5)).toBe(300_000);
    expect(at(0, 0)).toBe(12_000);
    expect(at(0, 1)).toBe(18_000);
  });
});
