import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { orders, outbox } from './schema';

export type NewOrder = {
  id: string;
  customerId: string;
  currency: string;
  items: { productId: string; quantity: number; price: number }[];
};

/**
 * Stores an order and its order.created event in one transaction: both commit, or neither does.
 * `failAfterWrite` stands for anything that goes wrong later in the transaction (a constraint, a
 * crash): the order rolls back, and so does its event, so no webhook tells of an order that never was.
 */
export async function createOrder(
  db: PostgresJsDatabase<Record<string, unknown>>,
  { appId, order, failAfterWrite = false }: { appId: string; order: NewOrder; failAfterWrite?: boolean },
) {
  const amount = Math.round(order.items.reduce((sum, i) => sum + i.price * i.quantity, 0) * 100) / 100;
  return db.transaction(async (tx) => {
    await tx.insert(orders).values({ ...order, amount, itemCount: order.items.length });
    // Typed by the catalog: a field missing from order.created 1.0, or one of the wrong type, does not compile.
    const eventId = await outbox.enqueue(tx, {
      appId,
      type: 'order.created',
      version: '1.0',
      data: {
        orderId: order.id,
        customerId: order.customerId,
        amount,
        currency: order.currency,
        items: order.items,
        status: 'pending',
      },
    });
    if (failAfterWrite) throw new Error(`order ${order.id} failed after it was written`);
    return { orderId: order.id, outboxId: eventId };
  });
}
