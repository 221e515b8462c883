import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';
import { callRaw, listProcedures, type RawResponse } from './support/procedures';
import { orderCreatedV1 } from './support/fixtures';

// Application B owns the objects the calls name; the caller holds an application key of A, which has
// objects of its own (some inputs combine one of A's with one of B's).
type Ids = {
  appId: string;
  endpointId: string;
  eventId: string;
  deliveryId: string;
  keyId: string;
  deadLetterId: string;
};

/**
 * How each procedure must treat a key of the wrong application:
 * - scoped: each input names one of B's objects; the answer is the 404 a missing id gets, word for word.
 * - invisible: a filter or list of ids naming B's objects answers as if they did not exist: `seen`
 *   of the output is the same as for missing ids, and nothing changes.
 * - adminOnly: the call needs an admin key; an application key gets 403.
 * - ownOnly: a call without ids lists only the caller's own application's objects.
 * - public: no tenant data involved.
 * Every procedure of the router must have an entry (checked below), so a new one cannot skip this.
 */
type IsolationRule = {
  scoped?: ((b: Ids, a: Ids) => Record<string, unknown>)[];
  invisible?: {
    input: (b: Ids) => Record<string, unknown>; // eslint-disable-next-line @typescript-eslint/no-explicit-any -- outputs of different procedures have no common type
    seen: (output: any) => unknown;
  }[];
  adminOnly?: Record<string, unknown>;
  ownOnly?: { input: Record<string, unknown>; appIds: (output: unknown) => (string | null)[] };
  public?: { input?: Record<string, unknown> };
};

const itemsOf = (output: unknown) => (output as { items: { appId?: string | null; id?: string }[] }).items;

const rules: Record<string, IsolationRule> = {
  health: { public: {} },
  'eventTypes.list': { public: {} },
  'eventTypes.get': { public: { input: { type: 'order.created' } } },
  'applications.create': { adminOnly: { name: 'intruder' } },
  'stats.tables': { adminOnly: {} },
  'applications.list': { ownOnly: { input: {}, appIds: (o) => itemsOf(o).map((a) => a.id!) } },
  'applications.get': { scoped: [({ appId }) => ({ appId })] },
  'endpoints.create': {
    scoped: [
      ({ appId }) => ({
        appId,
        url: 'https://example.com/steal',
        headers: { 'x-steal': '1' },
        filter: { event: 'order.created' },
        rateLimit: 1,
        maxInFlight: 1,
      }),
    ],
  },
  'endpoints.list': { scoped: [({ appId }) => ({ appId })] },
  'endpoints.get': { scoped: [({ endpointId }) => ({ endpointId })] },
  'endpoints.update': {
    // Headers, a filter and limits too: another tenant must not redirect credentials, silence an
    // endpoint nor throttle it.
    scoped: [
      ({ endpointId }) => ({
        endpointId,
        url: 'https://example.com/steal',
        enabled: false,
        headers: { authorization: 'stolen' },
        filter: { event: 'never.sent' },
        rateLimit: 0.1,
        maxInFlight: 1,
      }),
    ],
  },
  'endpoints.delete': { scoped: [({ endpointId }) => ({ endpointId })] },
  'endpoints.getSecret': { scoped: [({ endpointId }) => ({ endpointId })] },
  'endpoints.rotateSecret': { scoped: [({ endpointId }) => ({ endpointId, graceSeconds: 0 })] },
  'events.publish': {
    scoped: [({ appId }) => ({ appId, type: 'order.created', version: '1.0', data: orderCreatedV1 })],
  },
  'events.publishBatch': {
    scoped: [({ appId }) => ({ appId, events: [{ type: 'order.created', version: '1.0', data: orderCreatedV1 }] })],
  },
  'events.get': { scoped: [({ eventId }) => ({ eventId })] },
  'events.list': { scoped: [({ appId }) => ({ appId })] },
  'deliveries.list': {
    scoped: [({ eventId }) => ({ eventId }), ({ endpointId }) => ({ endpointId })],
    ownOnly: { input: {}, appIds: (o) => itemsOf(o).map((d) => d.appId!) },
  },
  'deliveries.get': { scoped: [({ deliveryId }) => ({ deliveryId })] },
  'apiKeys.create': {
    scoped: [({ appId }) => ({ appId, name: 'intruder' })],
    adminOnly: { appId: null, name: 'intruder' },
  },
  'apiKeys.list': {
    scoped: [({ appId }) => ({ appId })],
    ownOnly: { input: {}, appIds: (o) => itemsOf(o).map((k) => k.appId ?? null) },
  },
  'apiKeys.revoke': { scoped: [({ keyId }) => ({ keyId })] },
  'deliveries.retry': { scoped: [({ deliveryId }) => ({ deliveryId })] },
  'events.resend': {
    scoped: [
      (b, a) => ({ eventId: b.eventId, endpointId: a.endpointId }),
      (b, a) => ({ eventId: a.eventId, endpointId: b.endpointId }),
    ],
  },
  'deadLetters.list': {
    scoped: [({ appId }) => ({ appId })],
    invisible: [{ input: ({ endpointId }) => ({ endpointId }), seen: (o) => itemsOf(o).length }],
    ownOnly: { input: {}, appIds: (o) => itemsOf(o).map((d) => d.appId!) },
  },
  // Without an appId, an application key's figures are its own (checked below).
  'stats.overview': { scoped: [({ appId }) => ({ appId })] },
  'deadLetters.replay': {
    scoped: [({ appId }) => ({ filter: { appId } })],
    invisible: [
      {
        input: ({ deadLetterId }) => ({ ids: [deadLetterId] }),
        seen: (o) => ({ replayed: o.replayed, notFound: o.notFound.length }),
      },
      { input: ({ endpointId }) => ({ filter: { endpointId } }), seen: (o) => o.replayed },
    ],
  },
};

// Ids of the right shape that exist nowhere: what a prober who guessed wrong gets.
const missing: Ids = {
  appId: 'app_0000000000ZZZZZZZZZZZZZZZZ',
  endpointId: 'ep_0000000000ZZZZZZZZZZZZZZZZ',
  eventId: 'evt_0000000000ZZZZZZZZZZZZZZZZ',
  deliveryId: 'dlv_0000000000ZZZZZZZZZZZZZZZZ',
  keyId: 'key_0000000000ZZZZZZZZZZZZZZZZ',
  deadLetterId: '00000000-0000-4000-8000-000000000000',
};

let hookline: TestHookline;
let appA: string;
let keyA: string;
let keyB: string;
let a: Ids;
let b: Ids;

beforeAll(async () => {
  // A worker with no retries and receivers that refuse connections: each application's first event
  // becomes a dead letter at once, so the dead-letter procedures have something of each tenant's.
  hookline = await startHookline({ delivery: { retrySchedule: [] } });
  const admin = hookline.client;
  appA = (await admin.applications.create.mutate({ name: 'tenant A' })).id;
  const appB = (await admin.applications.create.mutate({ name: 'tenant B' })).id;
  keyA = (await admin.apiKeys.create.mutate({ appId: appA, name: 'A' })).key;
  const createdKeyB = await admin.apiKeys.create.mutate({ appId: appB, name: 'B' });
  keyB = createdKeyB.key;
  // A has objects of its own too, so "lists only its own" is checked against something.
  const objectsOf = async (appId: string, keyId: string) => {
    // Port 9 (discard) refuses connections on loopback: the one attempt fails at once.
    // With a header, a filter and limits, so the snapshot below proves a foreign call changes none of them.
    const endpoint = await admin.endpoints.create.mutate({
      appId,
      url: 'http://127.0.0.1:9/refused',
      headers: { authorization: `Bearer ${appId}` },
      filter: { event: { $exists: true } },
      rateLimit: 50,
      maxInFlight: 5,
    });
    const event = await admin.events.publish.mutate({
      appId,
      type: 'order.created',
      version: '1.0',
      data: orderCreatedV1,
    });
    const deadLetter = await until(async () => (await admin.deadLetters.list.query({ appId })).items[0]);
    return {
      appId,
      endpointId: endpoint.id,
      eventId: event.id,
      deliveryId: event.deliveries[0]!.id,
      keyId,
      deadLetterId: deadLetter.id,
    };
  };
  const keyIdA = (await admin.apiKeys.list.query({ appId: appA })).items[0]!.id;
  [a, b] = await Promise.all([objectsOf(appA, keyIdA), objectsOf(appB, createdKeyB.id)]);
});
afterAll(() => hookline?.stop());

/** Polls `read` until it gives a value (expect.poll is for tests, this is setup), bounded. */
async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`setup: nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Everything of B's that a foreign call could change, to prove nothing did. */
async function snapshotOfB() {
  const [row] = await hookline.sql`
    select (select to_jsonb(e) from endpoints e where id = ${b.endpointId}) as endpoint,
           (select to_jsonb(k) from api_keys k where id = ${b.keyId}) as key,
           (select count(*)::int from events where app_id = ${b.appId}) as events,
           (select count(*)::int from deliveries where app_id = ${b.appId}) as deliveries,
           (select count(*)::int from endpoints where app_id = ${b.appId}) as endpoints,
           (select count(*)::int from api_keys where app_id = ${b.appId}) as keys,
           (select count(*)::int from attempts t join deliveries d on d.id = t.delivery_id where d.app_id = ${b.appId}) as attempts,
           (select count(*)::int from pgboss.job where name = 'delivery-dead-letter' and state = 'created'
               and data->>'deliveryId' = ${b.deliveryId}) as waiting_dead_letters,
           (select count(*)::int from applications) as applications`;
  return row;
}

function call(path: string, apiKey: string, input: unknown): Promise<RawResponse> {
  const procedure = listProcedures().find((p) => p.path === path)!;
  return callRaw(hookline.url, { path, type: procedure.type, apiKey, input });
}

const errorOf = (response: RawResponse) =>
  (response.body as { error?: { message: string; data: { code: string; httpStatus: number } } }).error;

describe('tenant isolation', () => {
  it.each(listProcedures().map((p) => p.path))('%s keeps tenants apart', async (path) => {
    const rule = rules[path];
    expect(
      rule,
      `no entry for ${path} in the tenant-isolation table: say how it treats another tenant's key`,
    ).toBeDefined();
    expect(Object.keys(rule!).length).toBeGreaterThan(0);
    const before = await snapshotOfB();

    for (const input of rule!.scoped ?? []) {
      const foreign = await call(path, keyA, input(b, a));
      const absent = await call(path, keyA, input(missing, a));
      expect(foreign.status, `${path} with B's id: ${foreign.text}`).toBe(404);
      expect(absent.status).toBe(404);
      // Word for word the same once the id is taken out: nothing tells "exists elsewhere" from "never existed".
      const anonymise = (r: RawResponse, ids: Ids) =>
        Object.values(ids).reduce((message, id) => message.replaceAll(id, '<id>'), errorOf(r)!.message);
      expect(anonymise(foreign, b)).toBe(anonymise(absent, missing));
      expect(errorOf(foreign)!.data).toMatchObject({ code: 'not_found', httpStatus: 404 });
    }

    for (const { input, seen } of rule!.invisible ?? []) {
      const foreign = await call(path, keyA, input(b));
      const absent = await call(path, keyA, input(missing));
      expect(foreign.status, `${path} with B's id: ${foreign.text}`).toBe(200);
      const dataOf = (r: RawResponse) => (r.body as { result: { data: unknown } }).result.data;
      expect(seen(dataOf(foreign))).toEqual(seen(dataOf(absent)));
    }

    if (rule!.adminOnly) {
      const response = await call(path, keyA, rule!.adminOnly);
      expect(response.status, response.text).toBe(403);
      expect(errorOf(response)!.data.code).toBe('forbidden');
    }

    if (rule!.ownOnly) {
      const response = await call(path, keyA, rule!.ownOnly.input);
      expect(response.status, response.text).toBe(200);
      const appIds = rule!.ownOnly.appIds((response.body as { result: { data: unknown } }).result.data);
      expect(appIds.length).toBeGreaterThan(0);
      expect(new Set(appIds)).toEqual(new Set([appA]));
    }

    if (rule!.public) {
      const response = await call(path, keyA, rule!.public.input);
      expect(response.status, response.text).toBe(200);
    }

    expect(await snapshotOfB()).toEqual(before);
  });

  it("uses fixtures that are real: B's own key reaches every one of them", async () => {
    const clientB = hookline.clientFor(keyB);
    expect((await clientB.applications.get.query({ appId: b.appId })).id).toBe(b.appId);
    expect((await clientB.endpoints.get.query({ endpointId: b.endpointId })).id).toBe(b.endpointId);
    expect((await clientB.endpoints.getSecret.query({ endpointId: b.endpointId })).secret).toMatch(/^whsec_/);
    expect((await clientB.events.get.query({ eventId: b.eventId })).id).toBe(b.eventId);
    expect((await clientB.deliveries.get.query({ deliveryId: b.deliveryId })).id).toBe(b.deliveryId);
    expect((await clientB.deliveries.list.query({ endpointId: b.endpointId })).items).toHaveLength(1);
    expect((await clientB.apiKeys.list.query({ appId: b.appId })).items.map((k) => k.id)).toContain(b.keyId);
    expect((await clientB.deadLetters.list.query({ endpointId: b.endpointId })).items.map((d) => d.id)).toEqual([
      b.deadLetterId,
    ]);
  });

  it("counts only the caller's application in stats.overview", async () => {
    const own = await hookline.clientFor(keyA).stats.overview.query({});
    expect(own).toMatchObject({ appId: null, endpoints: 1, deadLetters: 1 });
    const all = await hookline.client.stats.overview.query({});
    expect(all.endpoints).toBeGreaterThanOrEqual(2);
    expect(all.deadLetters).toBeGreaterThanOrEqual(2);
  });

  it('lets an admin key reach every application', async () => {
    const admin = hookline.clientFor(testAdminKey);
    expect((await admin.endpoints.get.query({ endpointId: b.endpointId })).appId).toBe(b.appId);
    expect((await admin.applications.list.query()).items.map((a) => a.id)).toEqual(
      expect.arrayContaining([appA, b.appId]),
    );
  });
});
