// Compile-time tests: `tsc --noEmit -p packages/schema/tsconfig.json` checks them (an unused
// `@ts-expect-error` is itself an error); vitest only runs the few runtime assertions.
import { describe, expectTypeOf, it } from 'vitest';
import { eventCatalog, type EventData, type EventType, type EventVersion, type PublishableEvent } from './catalog';
import type { OrderCreatedV1, OrderCreatedV2 } from './events/order';
import type { PaymentSucceededV1_1 } from './events/payment';

const orderV1: OrderCreatedV1 = eventCatalog['order.created']['1.0'].example;
const orderV2: OrderCreatedV2 = eventCatalog['order.created']['2.0'].example;

/** The shape a typed client's publish takes: a wrong (type, version, data) triple must not compile. */
function publish<T extends EventType, V extends EventVersion<T>>(event: {
  type: T;
  version: V;
  data: EventData<T, V>;
}) {
  return event;
}

describe('catalog types', () => {
  it('knows every type and version', () => {
    expectTypeOf<EventType>().toEqualTypeOf<
      | 'order.created'
      | 'order.updated'
      | 'order.cancelled'
      | 'payment.succeeded'
      | 'payment.failed'
      | 'customer.created'
      | 'customer.updated'
      | 'endpoint.disabled'
      | 'delivery.exhausted'
      | 'delivery.recovered'
    >();
    expectTypeOf<EventVersion<'order.created'>>().toEqualTypeOf<'1.0' | '2.0'>();
    expectTypeOf<EventVersion<'payment.succeeded'>>().toEqualTypeOf<'1.0' | '1.1'>();
  });

  it('gives each (type, version) its own data type', () => {
    expectTypeOf<EventData<'order.created', '1.0'>>().toEqualTypeOf<OrderCreatedV1>();
    expectTypeOf<EventData<'order.created', '2.0'>>().toEqualTypeOf<OrderCreatedV2>();
    expectTypeOf<EventData<'payment.succeeded', '1.1'>>().toEqualTypeOf<PaymentSucceededV1_1>();
    expectTypeOf<EventData<'order.created', '1.0'>>().not.toEqualTypeOf<EventData<'order.created', '2.0'>>();
  });

  it('makes PublishableEvent a union discriminated by type and version', () => {
    expectTypeOf<Extract<PublishableEvent, { type: 'order.created'; version: '2.0' }>>().toEqualTypeOf<{
      type: 'order.created';
      version: '2.0';
      data: OrderCreatedV2;
    }>();

    const good: PublishableEvent[] = [
      { type: 'order.created', version: '1.0', data: orderV1 },
      { type: 'order.created', version: '2.0', data: orderV2 },
    ];
    // @ts-expect-error 2.0's shape under "1.0"
    const wrongShape: PublishableEvent = { type: 'order.created', version: '1.0', data: orderV2 };
    // @ts-expect-error a version order.created does not have
    const unknownVersion: PublishableEvent = { type: 'order.created', version: '3.0', data: orderV2 };
    // @ts-expect-error a type that is not in the catalog
    const unknownType: PublishableEvent = { type: 'order.shipped', version: '1.0', data: orderV1 };
    const extraField: PublishableEvent = {
      type: 'order.created',
      version: '1.0',
      // @ts-expect-error a field 1.0 does not have
      data: { ...orderV1, total: orderV2.total },
    };
    void [good, wrongShape, unknownVersion, unknownType, extraField];
  });

  it('rejects mismatched triples in a generic publish signature too', () => {
    publish({ type: 'order.created', version: '2.0', data: orderV2 });
    // @ts-expect-error 2.0's shape under "1.0"
    publish({ type: 'order.created', version: '1.0', data: orderV2 });
    // @ts-expect-error payment.succeeded has no 2.0
    publish({ type: 'payment.succeeded', version: '2.0', data: orderV2 });
  });
});
