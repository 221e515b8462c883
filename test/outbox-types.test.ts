// Compile-time tests of the outbox's enqueue, like test/client-types.test.ts for the client: each
// `@ts-expect-error` line proves that the call does not build. Nothing here runs a query.
import type { HooklineClient } from '@hookline/client';
import { defineOutbox, enqueue, enqueueMany, type OutboxEvent, type OutboxTransaction } from '@hookline/outbox';
import { eventCatalog, type OrderCreatedV1, type OrderCreatedV2 } from '@hookline/schema';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import type { TransactionSql } from 'postgres';
import { describe, expectTypeOf, it } from 'vitest';

type PublishInput = Parameters<HooklineClient['events']['publish']['mutate']>[0];

const appId = 'app_unused';
const orderV1: OrderCreatedV1 = eventCatalog['order.created']['1.0'].example;
const orderV2: OrderCreatedV2 = eventCatalog['order.created']['2.0'].example;

function typeCheckedCalls(tx: OutboxTransaction) {
  void enqueue(tx, { appId, type: 'order.created', version: '1.0', data: orderV1 });
  void enqueue(tx, { appId, type: 'order.created', version: '2.0', data: orderV2, idempotencyKey: 'ord_1-created' });
  void enqueueMany(tx, [{ appId, type: 'order.created', version: '2.0', data: orderV2 }]);
  void defineOutbox({ schema: 'shop' }).enqueue(tx, { appId, type: 'order.created', version: '1.0', data: orderV1 });

  // @ts-expect-error 2.0's shape enqueued under "1.0"
  void enqueue(tx, { appId, type: 'order.created', version: '1.0', data: orderV2 });
  void enqueue(tx, {
    appId,
    type: 'order.created',
    version: '1.0',
    // @ts-expect-error a field of the wrong type (amount is a number)
    data: { ...orderV1, amount: '49.48' },
  });
  // @ts-expect-error a version order.created does not have
  void enqueue(tx, { appId, type: 'order.created', version: '3.0', data: orderV2 });
  // @ts-expect-error a type the catalog does not have
  void enqueue(tx, { appId, type: 'order.shipped', version: '1.0', data: orderV1 });
  // @ts-expect-error no application
  void enqueue(tx, { type: 'order.created', version: '1.0', data: orderV1 });
  // @ts-expect-error the same mistake inside a batch
  void enqueueMany(tx, [{ appId, type: 'order.created', version: '1.0', data: orderV2 }]);
}

describe('the outbox types', () => {
  it('types an event exactly like events.publish', () => {
    // Assignable both ways: the same union (toEqualTypeOf cannot compare unions of intersections).
    expectTypeOf<OutboxEvent>().toExtend<PublishInput>();
    expectTypeOf<PublishInput>().toExtend<OutboxEvent>();
    expectTypeOf<
      Extract<OutboxEvent, { type: 'order.created'; version: '2.0' }>['data']
    >().toEqualTypeOf<OrderCreatedV2>();
  });

  it("takes a Drizzle transaction or a postgres.js one, the caller's own", () => {
    expectTypeOf<TransactionSql>().toExtend<OutboxTransaction>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expectTypeOf<PgTransaction<any, any, any>>().toExtend<OutboxTransaction>();
    expectTypeOf(typeCheckedCalls).parameter(0).toEqualTypeOf<OutboxTransaction>();
  });
});
