import { describe, expect, it } from 'vitest';
import { publishRows, type OutboxRow, type PublishBatch } from './publish-rows';

const row = (id: string, extra: Partial<OutboxRow> = {}): OutboxRow => ({
  id,
  appId: 'app_a',
  type: 'order.created',
  version: '1.0',
  data: {},
  idempotencyKey: null,
  orderingKey: null,
  ...extra,
});

/** A wire error as @hookline/client raises it. */
const wireError = (httpStatus: number, issues?: { path: (string | number)[]; message: string }[]) =>
  Object.assign(new Error(`HTTP ${httpStatus}`), { data: { httpStatus, issues } });

describe('publishRows', () => {
  it("forwards a row's ordering key, in enqueue order, and sends none for a row without one", async () => {
    const sent: { idempotencyKey: string; orderingKey?: string }[][] = [];
    const publish: PublishBatch = async (_appId, events) => {
      sent.push(
        events.map(({ idempotencyKey, orderingKey }) => ({ idempotencyKey, ...(orderingKey ? { orderingKey } : {}) })),
      );
      return events.map(() => ({ duplicate: false }));
    };
    await publishRows(publish, [row('a', { orderingKey: 'cus_1' }), row('b'), row('c', { orderingKey: 'cus_1' })]);
    expect(sent).toEqual([
      [
        { idempotencyKey: 'a', orderingKey: 'cus_1' },
        { idempotencyKey: 'b' },
        { idempotencyKey: 'c', orderingKey: 'cus_1' },
      ],
    ]);
    expect(Object.keys((await captureFirst(row('b')))[0]!)).not.toContain('orderingKey');
  });

  it('sets aside the items a 400 names and publishes the others', async () => {
    const calls: string[][] = [];
    const publish: PublishBatch = async (_appId, events) => {
      calls.push(events.map((e) => e.idempotencyKey));
      if (events.some((e) => e.idempotencyKey === 'b')) {
        throw wireError(400, [{ path: ['events', 1, 'data', 'amount'], message: 'expected number' }]);
      }
      return events.map(() => ({ duplicate: false }));
    };
    const outcome = await publishRows(publish, [row('a'), row('b'), row('c')]);
    expect(outcome).toEqual({
      published: ['a', 'c'],
      duplicates: 0,
      refused: [{ id: 'b', error: 'data.amount: expected number' }],
      unavailable: null,
    });
    expect(calls).toEqual([
      ['a', 'b', 'c'],
      ['a', 'c'],
    ]);
  });

  it('halves a batch until a refusal that names no item stands alone', async () => {
    const publish: PublishBatch = async (_appId, events) => {
      if (events.some((e) => e.idempotencyKey === 'c')) throw wireError(404);
      return events.map(() => ({ duplicate: true }));
    };
    const outcome = await publishRows(publish, [row('a'), row('b'), row('c'), row('d')]);
    expect(outcome.published.sort()).toEqual(['a', 'b', 'd']);
    expect(outcome.duplicates).toBe(3);
    expect(outcome.refused.map((r) => r.id)).toEqual(['c']);
  });

  it('stops at the first sign that Hookline is unavailable, keeping what was published', async () => {
    const publish: PublishBatch = async (appId, events) => {
      if (appId === 'app_b') throw wireError(503);
      return events.map(() => ({ duplicate: false }));
    };
    const outcome = await publishRows(publish, [row('a'), row('b', { appId: 'app_b' }), row('c', { appId: 'app_c' })]);
    expect(outcome.published).toEqual(['a']);
    expect(outcome.refused).toEqual([]);
    expect(outcome.unavailable).toContain('503');
  });

  it('treats a failure without an answer as unavailable, not as a refusal', async () => {
    const publish: PublishBatch = async () => {
      throw new TypeError('fetch failed');
    };
    const outcome = await publishRows(publish, [row('a')]);
    expect(outcome).toMatchObject({ published: [], refused: [], unavailable: 'fetch failed' });
  });

  it("sends rows that share the caller's idempotency key in successive calls, one per application", async () => {
    const calls: { appId: string; keys: string[] }[] = [];
    const publish: PublishBatch = async (appId, events) => {
      calls.push({ appId, keys: events.map((e) => e.idempotencyKey) });
      return events.map((_, i) => ({ duplicate: calls.length > 1 && i === 0 }));
    };
    await publishRows(publish, [
      row('a', { idempotencyKey: 'k' }),
      row('b', { appId: 'app_b' }),
      row('c', { idempotencyKey: 'k' }),
      row('d'),
    ]);
    expect(calls).toEqual([
      { appId: 'app_a', keys: ['k', 'd'] },
      { appId: 'app_a', keys: ['k'] },
      { appId: 'app_b', keys: ['b'] },
    ]);
  });
});

/** The events one single-row publish sends. */
async function captureFirst(only: OutboxRow) {
  let events: Parameters<PublishBatch>[1] = [];
  await publishRows(
    async (_appId, sent) => {
      events = sent;
      return sent.map(() => ({ duplicate: false }));
    },
    [only],
  );
  return events;
}
