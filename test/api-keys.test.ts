import { type TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';

let hookline: TestHookline;
let appId: string;

beforeAll(async () => {
  hookline = await startHookline({ worker: false });
  appId = (await hookline.client.applications.create.mutate({ name: 'keys' })).id;
});
afterAll(() => hookline?.stop());

const dataOf = (error: unknown) =>
  (error as TRPCClientError<never>).data as unknown as { httpStatus: number; code: string };

describe('API keys', () => {
  it('shows a new key once, stores only its hash, and lists it by prefix only', async () => {
    const created = await hookline.client.apiKeys.create.mutate({ appId, name: 'billing service' });
    expect(created.key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^key_/),
      appId,
      name: 'billing service',
      prefix: created.key.slice(0, 8),
      revokedAt: null,
    });

    const listed = await hookline.client.apiKeys.list.query({ appId });
    expect(listed.items.find((k) => k.id === created.id)).toEqual({ ...created, key: undefined });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const [stored] = await hookline.sql`select to_jsonb(k)::text as row from api_keys k where id = ${created.id}`;
    expect(stored!.row).not.toContain(created.key);
    expect(stored!.row).not.toContain(created.key.slice(8));
  });

  it('lets an application key work on its application, make keys for it, and see only its keys', async () => {
    const { key } = await hookline.client.apiKeys.create.mutate({ appId, name: 'app key' });
    const client = hookline.clientFor(key);
    expect((await client.applications.get.query({ appId })).id).toBe(appId);
    const second = await client.apiKeys.create.mutate({ appId, name: 'made by the app' });
    expect(second.appId).toBe(appId);
    const listed = await client.apiKeys.list.query();
    expect(listed.items.length).toBeGreaterThanOrEqual(2);
    expect(new Set(listed.items.map((k) => k.appId))).toEqual(new Set([appId]));
    const error = await client.apiKeys.create.mutate({ appId: null, name: 'escalate' }).catch((e: unknown) => e);
    expect(dataOf(error)).toMatchObject({ httpStatus: 403, code: 'forbidden' });
  });

  it('refuses a revoked key on its next request, and revoking twice changes nothing', async () => {
    const { id, key } = await hookline.client.apiKeys.create.mutate({ appId, name: 'leaked' });
    const client = hookline.clientFor(key);
    await client.applications.get.query({ appId });
    const revoked = await hookline.client.apiKeys.revoke.mutate({ keyId: id });
    expect(revoked.revokedAt).not.toBeNull();
    const error = await client.applications.get.query({ appId }).catch((e: unknown) => e);
    expect(dataOf(error)).toMatchObject({ httpStatus: 401, code: 'unauthorized' });
    expect((error as Error).message).toBe('unknown or revoked API key');
    expect(await hookline.client.apiKeys.revoke.mutate({ keyId: id })).toEqual(revoked);
  });

  it('lets a key revoke itself', async () => {
    const { id, key } = await hookline.client.apiKeys.create.mutate({ appId, name: 'self' });
    await hookline.clientFor(key).apiKeys.revoke.mutate({ keyId: id });
    const error = await hookline
      .clientFor(key)
      .apiKeys.list.query()
      .catch((e: unknown) => e);
    expect(dataOf(error).httpStatus).toBe(401);
  });

  // Last in the file: it ends by revoking the harness's admin key.
  it('never revokes the last admin key', async () => {
    const admins = async () =>
      (await hookline.client.apiKeys.list.query()).items.filter((k) => k.appId === null && k.revokedAt === null);
    const [testKey] = await admins();
    expect(await admins()).toHaveLength(1);
    const error = await hookline.client.apiKeys.revoke.mutate({ keyId: testKey!.id }).catch((e: unknown) => e);
    expect(dataOf(error)).toMatchObject({ httpStatus: 409, code: 'conflict' });
    expect((error as Error).message).toMatch(/is the last admin key; create another admin key before revoking it/);

    const spare = await hookline.client.apiKeys.create.mutate({ appId: null, name: 'second admin' });
    await hookline.clientFor(spare.key).apiKeys.revoke.mutate({ keyId: testKey!.id });
    expect(
      (await hookline.clientFor(spare.key).apiKeys.list.query()).items.find((k) => k.id === testKey!.id)!.revokedAt,
    ).not.toBeNull();
    const gone = await hookline
      .clientFor(testAdminKey)
      .applications.list.query()
      .catch((e: unknown) => e);
    expect(dataOf(gone).httpStatus).toBe(401);
  });
});
