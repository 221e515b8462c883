import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, orderCreatedV1 } from './support/fixtures';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';

/** The `Idempotency-Key` header, the convention of Stripe and the IETF draft, as well as the body field. */

let hookline: TestHookline;
beforeAll(async () => {
  hookline = await startHookline({ worker: false });
});
afterAll(async () => {
  await hookline?.stop();
});

const order = { type: 'order.created', version: '1.0', data: orderCreatedV1 };

async function post(path: string, body: unknown, idempotencyKey?: string) {
  const response = await fetch(`${hookline.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${testAdminKey}`,
      'content-type': 'application/json',
      ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the Idempotency-Key header', () => {
  it('makes a REST publish idempotent like the body field, and the two faces meet', async () => {
    const app = await fixtures(hookline).makeApp();
    const events = `/api/v1/applications/${app.id}/events`;
    const first = await post(events, order, 'hdr-1');
    expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await post(events, order, 'hdr-1')).toMatchObject({
      status: 200,
      body: { id: first.body.id, duplicate: true },
    });
    // The same key in the body finds the same event: the header is only another way to send it.
    expect(await post(events, { ...order, idempotencyKey: 'hdr-1' })).toMatchObject({
      body: { id: first.body.id, duplicate: true },
    });
    expect(await post(events, { ...order, idempotencyKey: 'hdr-1' }, 'hdr-1')).toMatchObject({
      body: { id: first.body.id, duplicate: true },
    });
    const stored = await hookline.client.events.get.query({ eventId: first.body.id as string });
    expect(stored.idempotencyKey).toBe('hdr-1');
  });

  it('refuses a header that disagrees with the body, is empty, or is sent with a batch', async () => {
    const app = await fixtures(hookline).makeApp();
    const disagree = await post(`/api/v1/applications/${app.id}/events`, { ...order, idempotencyKey: 'a' }, 'b');
    expect(disagree).toMatchObject({
      status: 400,
      body: { code: 'validation', issues: [{ path: ['Idempotency-Key'] }] },
    });
    expect((await post(`/api/v1/applications/${app.id}/events`, order, '')).status).toBe(400);
    const batch = await post(`/api/v1/applications/${app.id}/events/batch`, { events: [order] }, 'c');
    expect(batch).toMatchObject({ status: 400, body: { message: expect.stringMatching(/each event its own/) } });
  });

  it('is read on the tRPC face too', async () => {
    const app = await fixtures(hookline).makeApp();
    const call = () => post('/trpc/events.publish', { appId: app.id, ...order }, 'trpc-1');
    const first = (await call()).body as { result: { data: { id: string; duplicate: boolean } } };
    const again = (await call()).body as typeof first;
    expect(first.result.data.duplicate).toBe(false);
    expect(again.result.data).toMatchObject({ id: first.result.data.id, duplicate: true });
  });
});
