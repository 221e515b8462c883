// docs/evolving-an-event.md, step by step, against the real catalog's order.created 1.0 and 2.0: if
// this passes, the walk-through is true.
import { existsSync } from 'node:fs';
import {
  convertEventData,
  Envelope,
  eventCatalog,
  OrderCreatedV1,
  OrderCreatedV2,
  validateEventData,
} from '@hookline/schema';
import { Webhook } from 'standardwebhooks';
import { expect, it } from 'vitest';
import { useHooklineAndReceiver } from './support/hookline';

const env = useHooklineAndReceiver();

const v1: OrderCreatedV1 = {
  orderId: 'ord_2001',
  customerId: 'cus_7',
  amount: 120.5,
  currency: 'EUR',
  items: [{ productId: 'prod_9', quantity: 1, price: 120.5 }],
  status: 'confirmed',
};
const { amount, currency, ...unchanged } = v1;
// The same order in 2.0's shape.
const v2: OrderCreatedV2 = { ...unchanged, total: { value: amount, currency } };

/**
 * Waits for the `count`th request to `path`, checks its signature with the endpoint's secret, and
 * checks its data against the schema its envelope names, as a receiver in any language would.
 */
async function received(path: string, count: number, secret: string): Promise<Envelope> {
  await expect.poll(() => env.receiver.requests.filter((r) => r.path === path).length, { timeout: 10_000 }).toBe(count);
  const request = env.receiver.requests.filter((r) => r.path === path)[count - 1]!;
  const envelope = Envelope.parse(new Webhook(secret).verify(request.body, request.headers as Record<string, string>));
  expect(validateEventData(envelope.event, envelope.version, envelope.data)).toMatchObject({ ok: true });
  return envelope;
}

it('steps 1-3: 2.0 is defined next to 1.0, registers both conversions, and has its JSON Schema file', async () => {
  const { '1.0': first, '2.0': second } = eventCatalog['order.created'];
  expect(first.schema).toBe(OrderCreatedV1);
  expect(second.schema).toBe(OrderCreatedV2);
  expect(second.toPrevious).toBeTypeOf('function');
  expect(second.fromPrevious).toBeTypeOf('function');
  expect(convertEventData('order.created', '2.0', '1.0', v2)).toEqual({ ok: true, data: v1 });
  expect(convertEventData('order.created', '1.0', '2.0', v1)).toEqual({ ok: true, data: v2 });
  expect(existsSync(new URL('../packages/schema/json/order.created/2.0.json', import.meta.url))).toBe(true);

  const described = await env.hookline.client.eventTypes.get.query({ type: 'order.created' });
  expect(described.versions.map((v) => [v.version, v.convertsTo])).toEqual([
    ['1.0', ['2.0']],
    ['2.0', ['1.0']],
  ]);
});

it('steps 3-6: a producer moves to 2.0 and no receiver breaks; each receiver moves when it chooses', async () => {
  const app = await env.hookline.client.applications.create.mutate({ name: 'evolving' });
  const legacy = await env.hookline.client.endpoints.create.mutate({
    appId: app.id,
    url: env.receiver.url('/evolve/legacy'),
  });

  // Deployed, nothing changed yet: the producer publishes 1.0 and the receiver gets 1.0.
  await env.hookline.client.events.publish.mutate({ appId: app.id, type: 'order.created', version: '1.0', data: v1 });
  expect(await received('/evolve/legacy', 1, legacy.secret!)).toMatchObject({ version: '1.0', data: v1 });

  // Step 4: pin the endpoint whose receiver reads 1.0, before any producer publishes 2.0.
  await env.hookline.client.endpoints.update.mutate({ endpointId: legacy.id, versionPins: { 'order.created': '1.0' } });
  // A new integration, written against 2.0, does not pin.
  const modern = await env.hookline.client.endpoints.create.mutate({
    appId: app.id,
    url: env.receiver.url('/evolve/modern'),
  });

  // Step 5: the producer moves to 2.0.
  const published = await env.hookline.client.events.publish.mutate({
    appId: app.id,
    type: 'order.created',
    version: '2.0',
    data: v2,
  });
  expect(await received('/evolve/legacy', 2, legacy.secret!)).toMatchObject({
    id: published.id,
    version: '1.0',
    data: v1,
  });
  expect(await received('/evolve/modern', 1, modern.secret!)).toMatchObject({
    id: published.id,
    version: '2.0',
    data: v2,
  });
  expect(await env.hookline.client.events.get.query({ eventId: published.id })).toMatchObject({
    version: '2.0',
    data: v2,
  });

  // Step 6: the legacy receiver learns 2.0 and pins it; now even a producer still on 1.0 reaches it as 2.0,
  // while the unpinned endpoint gets what was published (which is why the page says to pin 2.0).
  await env.hookline.client.endpoints.update.mutate({ endpointId: legacy.id, versionPins: { 'order.created': '2.0' } });
  const late = await env.hookline.client.events.publish.mutate({
    appId: app.id,
    type: 'order.created',
    version: '1.0',
    data: v1,
  });
  expect(await received('/evolve/legacy', 3, legacy.secret!)).toMatchObject({ id: late.id, version: '2.0', data: v2 });
  expect(await received('/evolve/modern', 2, modern.secret!)).toMatchObject({ id: late.id, version: '1.0', data: v1 });
});

it('step 7: publishing a deprecated version still works and answers with a warning', async () => {
  // order.created 1.0 is not deprecated in the real catalog; payment.succeeded 1.0 is.
  const app = await env.hookline.client.applications.create.mutate({ name: 'retiring' });
  const published = await env.hookline.client.events.publish.mutate({
    appId: app.id,
    type: 'payment.succeeded',
    version: '1.0',
    data: eventCatalog['payment.succeeded']['1.0'].example,
  });
  expect(published.id).toMatch(/^evt_/);
  expect(published.warnings).toEqual([
    "payment.succeeded 1.0 is deprecated; eventTypes.get({ type: 'payment.succeeded' }) shows the versions to publish instead",
  ]);
});
