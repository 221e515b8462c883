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
    makeEndpoint: (input: Parameters<typeof client.endpoints.create.mutate>[0]) =>
      client.endpoints.create.mutate(input),
    publishOrder: (appId: string, orderId = 'ord_123') =>
      client.events.publish.mutate({
        appId,
        type: 'order.created',
        version: '1.0',
        data: { ...orderCreatedV1, orderId },
      }),
    /** `count` order.created 1.0 events (order ids ord_0, ord_1, …) in batches of 200; the stored events, in order. */
    publishOrders: async (appId: string, count: number) => {
      const published = [];
      for (let first = 0; first < count; first += 200) {
        const events = Array.from({ length: Math.min(200, count - first) }, (_, i) => ({
          type: 'order.created' as const,
          version: '1.0' as const,
          data: { ...orderCreatedV1, orderId: `ord_${first + i}` },
        }));
        published.push(...(await client.events.publishBatch.mutate({ appId, events })).events);
      }
      return published;
    },
    /** Waits (bounded) until the delivery reaches `status`, and returns it with its attempts. */
    waitForDelivery: async (deliveryId: string, status: 'delivered' | 'failed' | 'pending', timeout = 10_000) => {
      await expect
        .poll(async () => (await client.deliveries.get.query({ deliveryId })).status, { timeout, interval: 25 })
        .toBe(status);
      return client.deliveries.get.query({ deliveryId });
    },
  };
}
