import { describe, expect, it } from 'vitest';
import { waitForBatch } from './batch-patience';
import { createSlowEndpointTracker, deferralDelayMs } from './slow-endpoints';

const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = new Promise<void>(() => {});

describe('waitForBatch', () => {
  const patience = { quorum: 0.9, graceMs: 50, maxWaitMs: 400 };

  it('returns as soon as every attempt is done', async () => {
    const started = Date.now();
    expect(await waitForBatch([after(5), after(10)], patience)).toEqual([true, true]);
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('leaves a straggler behind once the quorum is done and the grace has passed', async () => {
    const started = Date.now();
    const fast = Array.from({ length: 9 }, () => after(5));
    const done = await waitForBatch([...fast, never], patience);
    expect(done).toEqual([...fast.map(() => true), false]);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(50);
    expect(waited).toBeLessThan(400);
  });

  it('moves on at the cap when too many are slow for a quorum', async () => {
    const started = Date.now();
    expect(await waitForBatch([after(5), never, never], patience)).toEqual([true, false, false]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('rejects when a finished attempt failed', async () => {
    await expect(waitForBatch([Promise.reject(new Error('boom')), never], patience)).rejects.toThrow('boom');
  });
});

describe('slow endpoints', () => {
  it('is congested at the limit and recovers as slow requests end', () => {
    const tracker = createSlowEndpointTracker(2);
    tracker.add('ep_a');
    expect(tracker.isCongested('ep_a')).toBe(false);
    tracker.add('ep_a');
    expect(tracker.isCongested('ep_a')).toBe(true);
    expect(tracker.isCongested('ep_b')).toBe(false);
    tracker.remove('ep_a');
    expect(tracker.isCongested('ep_a')).toBe(false);
  });

  it('defers for the request timeout, doubling per deferral up to 5 minutes, ±20 %', () => {
    const at = (deferrals: number, r: number) =>
      deferralDelayMs({ requestTimeoutMs: 15_000, deferrals, random: () => r });
    expect(at(0, 0.5)).toBe(15_000);
    expect(at(1, 0.5)).toBe(30_000);
    expect(at(10, 0.5)).toBe(300_000);
    expect(at(0, 0)).toBe(12_000);
    expect(at(0, 1)).toBe(18_000);
  });
});
