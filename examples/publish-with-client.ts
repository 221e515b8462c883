// The README walkthrough with the typed client: an application, an endpoint, one order.created.
//   HOOKLINE_API_KEY=hk_… npx tsx examples/publish-with-client.ts
import { createHooklineClient } from '@hookline/client';

const hookline = createHooklineClient({
  url: process.env.HOOKLINE_URL ?? 'http://127.0.0.1:3000',
  apiKey: process.env.HOOKLINE_API_KEY ?? '',
});

const app = await hookline.applications.create.mutate({ name: 'Acme Shop' });
const endpoint = await hookline.endpoints.create.mutate({
  appId: app.id,
  url: process.env.RECEIVER_URL ?? 'http://127.0.0.1:4000/webhook',
  eventTypes: ['order.*'],
});
console.log(`endpoint ${endpoint.id}; its signing secret: ${endpoint.secret}`);

// A wrong field name or type here is a compile error, not a 400 at run time.
const event = await hookline.events.publish.mutate({
  appId: app.id,
  type: 'order.created',
  version: '1.0',
  data: {
    orderId: 'ord_123',
    customerId: 'cus_456',
    amount: 99.99,
    currency: 'USD',
    items: [{ productId: 'prod_1', quantity: 2, price: 49.995 }],
    status: 'pending',
  },
  idempotencyKey: 'ord_123-created',
});
console.log(`published ${event.id} to ${event.deliveries.length} endpoint(s)`);
