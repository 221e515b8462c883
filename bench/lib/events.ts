import type { PublishBody } from './hookline';

/** Items per order: enough that the REST body of one publish is about 1 KB, like the ceiling's bodies. */
const itemsPerOrder = 14;

/**
 * One `order.created` 1.0 publish, about 1 KB on the wire (the `data` alone is ≈950 bytes), valid
 * against the catalog's schema. `run` keeps idempotency keys distinct between runs on one database;
 * every publish carries one, as the typed clients always send.
 */
export function orderCreated(index: number, run: string): PublishBody {
  const orderId = `ord_${index.toString().padStart(10, '0')}`;
  const items = Array.from({ length: itemsPerOrder }, (_, line) => ({
    productId: `prod_${((index * 31 + line * 37) % 1_000_000).toString().padStart(6, '0')}_sku`,
    quantity: 1 + ((index + line) % 3),
    price: Number((19.99 + line).toFixed(2)),
  }));
  const amount = Number(items.reduce((sum, item) => sum + item.quantity * item.price, 0).toFixed(2));
  return {
    type: 'order.created',
    version: '1.0',
    idempotencyKey: `${run}-${orderId}-created`,
    data: {
      orderId,
      customerId: `cus_${(index % 9973).toString().padStart(6, '0')}`,
      amount,
      currency: 'USD',
      items,
      status: 'pending',
    },
  };
}

/** Lines of a large order: with 150-character product ids, about 200 KB of JSON. */
const itemsPerLargeOrder = 1_000;

/** An `order.created` 1.0 publish of about 200 KB (the `large-payloads` scenario's). */
export function largeOrderCreated(index: number, run: string): PublishBody {
  const orderId = `ord_${index.toString().padStart(10, '0')}`;
  const items = Array.from({ length: itemsPerLargeOrder }, (_, line) => ({
    productId: `prod_${line.toString().padStart(4, '0')}_${'x'.repeat(145)}`,
    quantity: 1,
    price: 1,
  }));
  return {
    type: 'order.created',
    version: '1.0',
    idempotencyKey: `${run}-${orderId}`,
    data: { orderId, customerId: 'cus_1', amount: itemsPerLargeOrder, currency: 'USD', items, status: 'pending' },
  };
}

/** `count` consecutive publishes from `first`. */
export function orderBatch(first: number, count: number, run: string): PublishBody[] {
  return Array.from({ length: count }, (_, i) => orderCreated(first + i, run));
}
