import { describe, expect, it } from 'vitest';
import { waitForBatch } from './batch-patience';

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

  it('does not wait for jobs still waiting for their lane, and stops them the moment it settles', async () => {
    let settledAt = 0;
    const done = await waitForBatch([after(5), never, never], patience, {
      waiting: () => 2,
      onSettle: () => (settledAt = Date.now()),
    });
    expect(done).toEqual([true, false, false]);
    expect(settledAt).toBeGreaterThan(0);
  });

  it('keeps waiting while requests keep finishing within the grace of each other', async () => {
    const started = Date.now();
    // Ten finishing 30 ms apart: each within the 50 ms grace of the one before, so all are waited for.
    const chain = Array.from({ length: 10 }, (_, i) => after(30 * (i + 1)));
    expect(await waitForBatch(chain, patience, { waiting: () => 10 })).toEqual(chain.map(() => true));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('rejects when a finished attempt failed', async () => {
    await expect(waitForBatch([Promise.reject(new Error('boom')), never], patience)).rejects.toThrow('boom');
  });
});
