import type { EventData } from '@hookline/schema';
import { expect } from 'vitest';
import type { TestHookline } from './hookline';

/** The seed's order.created 1.0 payload; tests that need another spread over it. */
export const orderCreatedV1: EventData<'order.created', '1.0'> = {
  orderId: 'ord_123',
  customerId: 'cus_456',
  amount: 99.99,
  currency: 'USD',
  items: [{ productId: 'prod_1', quantity: 2, price: 49.995 }],
  status: 'pending',
};

/** Fixtures as functions over one running Hookline: each test seeds what it needs. */
export function fixtures(hookline: TestHookline) {
  const client = hookline.client;
  return {
    makeApp: (name = 'shop') => client.applications.create.mutate({ name }),
    makeEndpoint: (input: { appId: string; url: string; retrySchedule?: number[]; eventTypes?: string[] }) =>
      client.endpoints.create.mutate(input),
    publishOrder: (appId: string, orderId = 'ord_123') =>
      client.events.publish.mutate({
        appId,
        type: 'order.created',
        version: '1.0',
        data: { ...orderCreatedV1, orderId },
      }),
    /** Waits (bounded) until the delivery reaches `status`, and returns it with its attempts. */
    waitForDelivery: async (deliveryId: string, status: 'delivered' | 'failed' | 'pending', timeout = 10_000) => {
      await expect
        .poll(async () => (await client.deliveries.get.query({ deliveryId })).status, { timeout, interval: 25 })
        .toBe(status);
      return client.deliveries.get.query({ deliveryId });
    },
  };
}
