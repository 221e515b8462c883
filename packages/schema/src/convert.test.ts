import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventCatalog } from './catalog';
import { convertEventData, convertInCatalog } from './convert';
import { defineEventVersion, type EventVersionMap } from './define';
import { listEventTypes } from './describe';
import { validateEventData } from './validate';

// Every (type, from, to) the catalog can convert, found from the catalog itself so a new version is covered.
const registeredPairs = listEventTypes().flatMap((eventType) =>
  eventType.versions.flatMap((from) =>
    from.convertsTo.map((to) => ({ type: eventType.type, from: from.version, to, example: from.example })),
  ),
);

describe('convertEventData over the shipped catalog', () => {
  it('has conversions to test', () => {
    expect(registeredPairs.map(({ type, from, to }) => `${type} ${from}→${to}`)).toEqual([
      'order.created 1.0→2.0',
      'order.created 2.0→1.0',
      'payment.succeeded 1.1→1.0',
    ]);
  });

  it.each(registeredPairs)('$type $from → $to gives valid data, and back where possible', (pair) => {
    const { type, from, to, example } = pair;
    const converted = convertEventData(type, from, to, example);
    if (!converted.ok) throw new Error(converted.error);
    expect(validateEventData(type, to, converted.data).ok).toBe(true);

    const back = convertEventData(type, to, from, converted.data);
    if (registeredPairs.some((pair) => pair.type === type && pair.from === to && pair.to === from)) {
      expect(back).toEqual({ ok: true, data: example });
    }
  });

  it('moves amount and currency into total and back', () => {
    const v1 = eventCatalog['order.created']['1.0'].example;
    const v2 = convertEventData('order.created', '1.0', '2.0', v1);
    expect(v2).toEqual({ ok: true, data: eventCatalog['order.created']['2.0'].example });
    // Conversion output is rebuilt in the target schema's key order: it is what gets serialised.
    const keys = Object.keys(v2.ok ? (v2.data as object) : {});
    expect(keys).toEqual(['orderId', 'customerId', 'total', 'items', 'status']);
  });

  it('drops the fee going down from payment.succeeded 1.1 to 1.0', () => {
    const v1_1 = eventCatalog['payment.succeeded']['1.1'].example;
    const { fee: _fee, ...withoutFee } = v1_1;
    expect(convertEventData('payment.succeeded', '1.1', '1.0', v1_1)).toEqual({ ok: true, data: withoutFee });
  });

  it('returns the validated data unchanged for the same version', () => {
    const example = eventCatalog['customer.created']['1.0'].example;
    expect(convertEventData('customer.created', '1.0', '1.0', example)).toEqual({ ok: true, data: example });
  });

  it('refuses an upgrade that would have to invent data', () => {
    const v1 = eventCatalog['payment.succeeded']['1.0'].example;
    expect(convertEventData('payment.succeeded', '1.0', '1.1', v1)).toEqual({
      ok: false,
      error:
        'cannot convert payment.succeeded 1.0 to 1.1: ' +
        '1.1 registers no fromPrevious, because upgrading from 1.0 would have to invent data',
    });
  });

  it('names unknown types and versions, and input that is not valid for its version', () => {
    expect(convertEventData('order.shipped', '1.0', '2.0', {})).toEqual({
      ok: false,
      error: 'unknown event type "order.shipped"',
    });
    expect(convertEventData('order.created', '1.0', '9.0', {})).toEqual({
      ok: false,
      error: 'order.created has no version "9.0"; its versions are 1.0, 2.0',
    });
    const result = convertEventData('order.created', '1.0', '2.0', eventCatalog['order.created']['2.0'].example);
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^data is not valid order\.created 1\.0: data\.amount: /),
    });
  });
});

describe('convertInCatalog', () => {
  const WidgetV1 = z.strictObject({ size: z.number().int().min(1) });
  const WidgetV2 = z.strictObject({ size: z.number().int().min(1), colour: z.string() });
  const WidgetV3 = z.strictObject({ sizeMm: z.number().int().min(1), colour: z.string() });
  const widgetMade = {
    '1.0': defineEventVersion({
      type: 'widget.made',
      version: '1.0',
      description: 'A widget was made.',
      schema: WidgetV1,
      example: { size: 2 },
    }),
    '2.0': defineEventVersion({
      type: 'widget.made',
      version: '2.0',
      description: 'A widget was made, in a colour.',
      schema: WidgetV2,
      example: { size: 2, colour: 'red' },
      // Deliberately wrong for sizes above 9, which the example does not cover.
      toPrevious: ({ size }) => ({ size: size > 9 ? 0 : size }),
    }),
    '3.0': defineEventVersion({
      type: 'widget.made',
      version: '3.0',
      description: 'A widget was made; its size is in millimetres.',
      schema: WidgetV3,
      example: { sizeMm: 20, colour: 'red' },
      toPrevious: ({ sizeMm, colour }) => ({ size: sizeMm / 10, colour }),
      fromPrevious: ({ size, colour }: z.infer<typeof WidgetV2>) => ({ sizeMm: size * 10, colour }),
    }),
  } satisfies EventVersionMap;

  function convertWidget(versions: EventVersionMap, fromVersion: string, toVersion: string, data: unknown) {
    return convertInCatalog({ 'widget.made': versions }, { type: 'widget.made', fromVersion, toVersion, data });
  }

  it('walks more than one step, in both directions', () => {
    expect(convertWidget(widgetMade, '3.0', '1.0', { sizeMm: 50, colour: 'blue' })).toEqual({
      ok: true,
      data: { size: 5 },
    });
    expect(convertWidget(widgetMade, '1.0', '3.0', { size: 5 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^cannot convert widget\.made 1\.0 to 3\.0: 2\.0 registers no fromPrevious/),
    });
  });

  it('names the step whose output fails validation', () => {
    expect(convertWidget(widgetMade, '3.0', '1.0', { sizeMm: 120, colour: 'blue' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^converting widget\.made 2\.0 to 1\.0 produced invalid 1\.0 data: data\.size: /),
    });
    expect(convertWidget(widgetMade, '3.0', '2.0', { sizeMm: 15, colour: 'blue' })).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^converting widget\.made 3\.0 to 2\.0 produced invalid 2\.0 data: data\.size: .*int/,
      ),
    });
  });

  it('reports a conversion that throws', () => {
    const throwing = {
      ...widgetMade,
      '2.0': {
        ...widgetMade['2.0'],
        toPrevious: () => {
          throw new Error('boom');
        },
      },
    } satisfies EventVersionMap;
    expect(convertWidget(throwing, '2.0', '1.0', { size: 1, colour: 'red' })).toEqual({
      ok: false,
      error: 'converting widget.made 2.0 to 1.0 threw: boom',
    });
  });
});
