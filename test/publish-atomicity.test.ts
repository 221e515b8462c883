import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHookline, type TestHookline } from './support/hookline';
import { orderCreatedV1 } from './support/fixtures';

let hookline: TestHookline;
beforeAll(async () => {
  hookline = await startHookline({ worker: false });
});
afterAll(async () => hookline?.stop());

const data = orderCreatedV1;

it('leaves no event and no delivery when enqueueing fails inside the publish transaction', async () => {
  const app = await hookline.client.applications.create.mutate({ name: 'atomic' });
  await hookline.client.endpoints.create.mutate({ appId: app.id, url: 'http://127.0.0.1:9/never' });

  // A real failure in the database, at the moment pg-boss inserts the job.
  await hookline.sql.unsafe(`
    create function reject_jobs() returns trigger language plpgsql as $$
      begin raise exception 'queue unavailable (test)'; end $$;
    create trigger reject_jobs before insert on pgboss.job for each row execute function reject_jobs();`);
  try {
    const error = await hookline.client.events.publish
      .mutate({ appId: app.id, type: 'order.created', version: '1.0', data })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 500 });
    // The opaque 500 says nothing about the database's insides.
    expect((error as Error).message).toBe('Internal server error');
  } finally {
    await hookline.sql.unsafe('drop trigger reject_jobs on pgboss.job; drop function reject_jobs();');
  }
  const [counts] = await hookline.sql`
    select (select count(*)::int from events) as events, (select count(*)::int from deliveries) as deliveries`;
  expect(counts).toEqual({ events: 0, deliveries: 0 });

  // And once the queue works again, the same publish goes through whole.
  const published = await hookline.client.events.publish.mutate({
    appId: app.id,
    type: 'order.created',
    version: '1.0',
    data,
  });
  expect(published.deliveries).toHaveLength(1);
});
