import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventCatalog } from './catalog';
import { getEventType, listEventTypes } from './describe';

describe('listEventTypes', () => {
  it('lists every type, sorted, with versions oldest first', () => {
    const listed = listEventTypes();
    expect(listed.map((eventType) => eventType.type)).toEqual(Object.keys(eventCatalog).sort());
    expect(listed.find((eventType) => eventType.type === 'order.created')?.versions.map((v) => v.version)).toEqual([
      '1.0',
      '2.0',
    ]);
  });

  it('describes a version with its JSON Schema, example and conversions', () => {
    const orderCreated = getEventType('order.created')!;
    expect(orderCreated.description).toBe(eventCatalog['order.created']['2.0'].description);
    expect(orderCreated.versions[0]).toEqual({
      version: '1.0',
      description: eventCatalog['order.created']['1.0'].description,
      deprecated: false,
      jsonSchema: z.toJSONSchema(eventCatalog['order.created']['1.0'].schema),
      example: eventCatalog['order.created']['1.0'].example,
      convertsTo: ['2.0'],
    });
    expect(orderCreated.versions[0]!.jsonSchema).toMatchObject({
      required: ['orderId', 'customerId', 'amount', 'currency', 'items', 'status'],
    });
  });

  it('marks deprecated versions, and only those', () => {
    const deprecated = listEventTypes().flatMap((eventType) =>
      eventType.versions.filter((v) => v.deprecated).map((v) => `${eventType.type} ${v.version}`),
    );
    expect(deprecated).toEqual(['payment.succeeded 1.0']);
    expect(getEventType('payment.succeeded')!.versions.map((v) => [v.version, v.deprecated, v.convertsTo])).toEqual([
      ['1.0', true, []],
      ['1.1', false, ['1.0']],
    ]);
  });

  it('returns undefined for a type that is not in the catalog', () => {
    expect(getEventType('order.shipped')).toBeUndefined();
    expect(getEventType('hasOwnProperty')).toBeUndefined();
  });
});
