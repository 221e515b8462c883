import { z } from 'zod';
import { defineEventVersion, type EventVersionMap } from '../define';
import { CurrencyCode, UtcTimestamp } from '../fields';

// Order ids and customer ids belong to the publishing service, so they are plain non-empty strings.

const OrderStatusV1 = z.enum(['pending', 'confirmed', 'processing', 'shipped', 'delivered', 'cancelled']);

// Every array in an event has a maximum: an unbounded one lets a single request make the validator
// report one problem per item (tens of thousands). 1,000 order lines is far beyond any real order.
const maxOrderItems = 1_000;

const OrderItemV1 = z.strictObject({
  productId: z.string().min(1),
  quantity: z.number().int().min(1),
  price: z.number().min(0),
});

export const OrderCreatedV1 = z.strictObject({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  amount: z.number().positive(),
  currency: CurrencyCode,
  items: z.array(OrderItemV1).min(1).max(maxOrderItems),
  status: OrderStatusV1,
});
export type OrderCreatedV1 = z.infer<typeof OrderCreatedV1>;

/** 2.0 groups the amount with its currency, so a receiver can never read one without the other. */
export const OrderCreatedV2 = z.strictObject({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  total: z.strictObject({ value: z.number().positive(), currency: CurrencyCode }),
  items: z.array(OrderItemV1).min(1).max(maxOrderItems),
  status: OrderStatusV1,
});
export type OrderCreatedV2 = z.infer<typeof OrderCreatedV2>;

export const OrderUpdatedV1 = z.strictObject({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  status: OrderStatusV1,
  previousStatus: OrderStatusV1,
  changedFields: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(100)
    .describe('Which order fields changed, so a receiver can skip updates it does not care about.'),
  updatedAt: UtcTimestamp,
});
export type OrderUpdatedV1 = z.infer<typeof OrderUpdatedV1>;

export const OrderCancelledV1 = z.strictObject({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  reason: z.enum(['customer_request', 'payment_failed', 'out_of_stock', 'fraud_suspected', 'other']),
  note: z.string().max(1000).optional().describe('Free text for people; branch on `reason`, not on this.'),
  cancelledAt: UtcTimestamp,
});
export type OrderCancelledV1 = z.infer<typeof OrderCancelledV1>;

const exampleItems = [
  { productId: 'prod_8841', quantity: 2, price: 19.99 },
  { productId: 'prod_1207', quantity: 1, price: 9.5 },
];

export const orderCreated = {
  '1.0': defineEventVersion({
    type: 'order.created',
    version: '1.0',
    description: 'An order was placed. Carries the order total as `amount` and `currency`.',
    schema: OrderCreatedV1,
    example: {
      orderId: 'ord_1001',
      customerId: 'cus_42',
      amount: 49.48,
      currency: 'USD',
      items: exampleItems,
      status: 'pending',
    },
  }),
  '2.0': defineEventVersion({
    type: 'order.created',
    version: '2.0',
    description: 'An order was placed. Carries the order total as `total: { value, currency }`.',
    schema: OrderCreatedV2,
    example: {
      orderId: 'ord_1001',
      customerId: 'cus_42',
      total: { value: 49.48, currency: 'USD' },
      items: exampleItems,
      status: 'pending',
    },
    // Both directions only move the same two values, so both are registered. Key order does not matter
    // here: validation against the target schema rebuilds objects in the schema's key order.
    toPrevious: ({ total, ...rest }): OrderCreatedV1 => ({ ...rest, amount: total.value, currency: total.currency }),
    fromPrevious: ({ amount, currency, ...rest }: OrderCreatedV1): OrderCreatedV2 => ({
      ...rest,
      total: { value: amount, currency },
    }),
  }),
} satisfies EventVersionMap;

export const orderUpdated = {
  '1.0': defineEventVersion({
    type: 'order.updated',
    version: '1.0',
    description: 'An order changed after it was placed, e.g. its status moved from confirmed to shipped.',
    schema: OrderUpdatedV1,
    example: {
      orderId: 'ord_1001',
      customerId: 'cus_42',
      status: 'shipped',
      previousStatus: 'confirmed',
      changedFields: ['status'],
      updatedAt: '2025-01-16T08:12:00.000Z',
    },
  }),
} satisfies EventVersionMap;

export const orderCancelled = {
  '1.0': defineEventVersion({
    type: 'order.cancelled',
    version: '1.0',
    description: 'An order was cancelled before delivery; `reason` says why.',
    schema: OrderCancelledV1,
    example: {
      orderId: 'ord_1001',
      customerId: 'cus_42',
      reason: 'customer_request',
      note: 'Ordered the wrong size.',
      cancelledAt: '2025-01-15T11:02:00.000Z',
    },
  }),
} satisfies EventVersionMap;
