import type { EventData } from '@hookline/schema';

/** The seed's order.created 1.0 payload; tests that need another spread over it. */
export const orderCreatedV1: EventData<'order.created', '1.0'> = {
  orderId: 'ord_123',
  customerId: 'cus_456',
  amount: 99.99,
  currency: 'USD',
  items: [{ productId: 'prod_1', quantity: 2, price: 49.995 }],
  status: 'pending',
};
