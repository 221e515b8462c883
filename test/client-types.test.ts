// Compile-time tests of the typed client. `tsc --noEmit -p tsconfig.json` (part of `npm test`) checks
// them, and an unused `@ts-expect-error` is itself a compile error, so each marked line proves that
// the call does not build. Nothing here sends a request: the calls sit in a function that never runs.
import { createHooklineClient, type HooklineClient } from '@hookline/client';
import { eventCatalog, type OrderCreatedV1, type OrderCreatedV2 } from '@hookline/schema';
import { describe, expectTypeOf, it } from 'vitest';

type PublishInput = Parameters<HooklineClient['events']['publish']['mutate']>[0];
type CreateEndpointInput = Parameters<HooklineClient['endpoints']['create']['mutate']>[0];

const appId = 'app_unused';
const orderV1: OrderCreatedV1 = eventCatalog['order.created']['1.0'].example;
const orderV2: OrderCreatedV2 = eventCatalog['order.created']['2.0'].example;

function typeCheckedCalls(client: HooklineClient) {
  // Correct triples build.
  void client.events.publish.mutate({ appId, type: 'order.created', version: '1.0', data: orderV1 });
  void client.events.publish.mutate({ appId, type: 'order.created', version: '2.0', data: orderV2 });
  void client.events.publishBatch.mutate({ appId, events: [{ type: 'order.created', version: '2.0', data: orderV2 }] });

  // @ts-expect-error 2.0's shape published under "1.0"
  void client.events.publish.mutate({ appId, type: 'order.created', version: '1.0', data: orderV2 });
  // @ts-expect-error 1.0's shape published under "2.0"
  void client.events.publish.mutate({ appId, type: 'order.created', version: '2.0', data: orderV1 });
  void client.events.publish.mutate({
    appId,
    type: 'order.created',
    version: '1.0',
    // @ts-expect-error a field of the wrong type (amount is a number)
    data: { ...orderV1, amount: '49.48' },
  });
  // @ts-expect-error a version order.created does not have
  void client.events.publish.mutate({ appId, type: 'order.created', version: '3.0', data: orderV2 });
  // @ts-expect-error the same mistake inside a batch
  void client.events.publishBatch.mutate({ appId, events: [{ type: 'order.created', version: '1.0', data: orderV2 }] });

  // Version pins name a real type and one of its versions.
  void client.endpoints.create.mutate({
    appId,
    url: 'https://example.com/hook',
    versionPins: { 'order.created': '1.0' },
  });
  void client.endpoints.create.mutate({
    appId,
    url: 'https://example.com/hook',
    // @ts-expect-error order.created has no 3.0
    versionPins: { 'order.created': '3.0' },
  });
  // @ts-expect-error payment.succeeded has 1.0 and 1.1, not 2.0
  void client.endpoints.update.mutate({ endpointId: 'ep_unused', versionPins: { 'payment.succeeded': '2.0' } });
}

describe('the typed client', () => {
  it('narrows publish data by type and version', () => {
    expectTypeOf<
      Extract<PublishInput, { type: 'order.created'; version: '1.0' }>['data']
    >().toEqualTypeOf<OrderCreatedV1>();
    expectTypeOf<
      Extract<PublishInput, { type: 'order.created'; version: '2.0' }>['data']
    >().toEqualTypeOf<OrderCreatedV2>();
    expectTypeOf<Extract<PublishInput, { type: 'order.created' }>['version']>().toEqualTypeOf<'1.0' | '2.0'>();
  });

  it('types version pins by the catalog', () => {
    expectTypeOf<NonNullable<CreateEndpointInput['versionPins']>['order.created']>().toEqualTypeOf<
      '1.0' | '2.0' | undefined
    >();
    expectTypeOf<NonNullable<CreateEndpointInput['versionPins']>['payment.succeeded']>().toEqualTypeOf<
      '1.0' | '1.1' | undefined
    >();
  });

  it('is what createHooklineClient returns', () => {
    // Built, not called: the client connects lazily, so this sends nothing.
    expectTypeOf(
      createHooklineClient({ url: 'http://127.0.0.1:9', apiKey: 'hk_unused' }),
    ).toEqualTypeOf<HooklineClient>();
    expectTypeOf(typeCheckedCalls).parameter(0).toEqualTypeOf<HooklineClient>();
  });
});
