import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventCatalog } from './catalog';
import { assertCatalogIsConsistent } from './consistency';
import { defineEventVersion, type EventCatalogShape } from './define';

// Bad catalogs are built with the same helper the real catalog uses, so the check sees what it would see.
const WidgetV1 = z.strictObject({ size: z.number().int().min(1) });
const WidgetV2 = z.strictObject({ size: z.number().int().min(1), colour: z.string() });
const WidgetV3 = z.strictObject({ width: z.number().int().min(1), colour: z.string() });

const widgetV1 = defineEventVersion({
  type: 'widget.made',
  version: '1.0',
  description: 'A widget was made.',
  schema: WidgetV1,
  example: { size: 2 },
});
const widgetV2 = defineEventVersion({
  type: 'widget.made',
  version: '2.0',
  description: 'A widget was made, in a colour.',
  schema: WidgetV2,
  example: { size: 2, colour: 'red' },
  toPrevious: ({ colour: _colour, ...rest }) => rest,
});

function check(catalog: EventCatalogShape) {
  return () => assertCatalogIsConsistent(catalog);
}

describe('assertCatalogIsConsistent', () => {
  it('accepts the shipped catalog and a small good one', () => {
    expect(check(eventCatalog)).not.toThrow();
    expect(check({ 'widget.made': { '1.0': widgetV1, '2.0': widgetV2 } })).not.toThrow();
  });

  it('names a version that has no conversion to its predecessor', () => {
    const noConversion = defineEventVersion({
      type: 'widget.made',
      version: '2.0',
      description: 'A widget was made, in a colour.',
      schema: WidgetV2,
      example: { size: 2, colour: 'red' },
    });
    expect(check({ 'widget.made': { '1.0': widgetV1, '2.0': noConversion } })).toThrow(
      /widget\.made 2\.0 has no toPrevious conversion to 1\.0/,
    );
  });

  it('finds the predecessor by version number, not by the order the keys were written in', () => {
    const v1_10 = defineEventVersion({ ...widgetV2, version: '1.10', toPrevious: undefined });
    const v1_9 = defineEventVersion({ ...widgetV1, version: '1.9' });
    expect(check({ 'widget.made': { '1.10': v1_10, '1.9': v1_9 } })).toThrow(
      /widget\.made 1\.10 has no toPrevious conversion to 1\.9/,
    );
  });

  it('rejects versions that are not major.minor and keys that disagree with their definition', () => {
    const v1 = defineEventVersion({ ...widgetV1, version: '1' });
    expect(check({ 'widget.made': { '1': v1 } })).toThrow(/widget\.made version "1" is not major\.minor/);
    expect(check({ 'widget.made': { '1.0': widgetV1, '1.1': widgetV2 } })).toThrow(
      /widget\.made 1\.1 is registered under the wrong key: its definition says widget\.made 2\.0/,
    );
    expect(check({ Widget: { '1.0': defineEventVersion({ ...widgetV1, type: 'Widget' }) } })).toThrow(
      /event type "Widget" is not dotted lowercase/,
    );
  });

  it('rejects an example that does not match its schema, naming the field', () => {
    const badExample = defineEventVersion({ ...widgetV1, example: { size: 0 } });
    expect(check({ 'widget.made': { '1.0': badExample } })).toThrow(
      /widget\.made 1\.0 example does not match its schema: data\.size: /,
    );
  });

  it('rejects a conversion whose output fails the previous schema', () => {
    const wrongDown = defineEventVersion({
      type: 'widget.made',
      version: '2.0',
      description: 'A widget was made, in a colour.',
      schema: WidgetV2,
      example: { size: 2, colour: 'red' },
      toPrevious: ({ size }) => ({ size: String(size) }),
    });
    expect(check({ 'widget.made': { '1.0': widgetV1, '2.0': wrongDown } })).toThrow(
      /widget\.made 2\.0 toPrevious turns its example into invalid widget\.made 1\.0: data\.size: /,
    );
  });

  it('rejects a conversion that throws', () => {
    const throwing = defineEventVersion({
      ...widgetV2,
      toPrevious: (): { size: number } => {
        throw new Error('conversion failed on purpose');
      },
    });
    expect(check({ 'widget.made': { '1.0': widgetV1, '2.0': throwing } })).toThrow(/conversion failed on purpose/);
  });

  it('rejects a fromPrevious that is not lossless', () => {
    const widgetV3 = defineEventVersion({
      type: 'widget.made',
      version: '3.0',
      description: 'A widget was made; size is now called width.',
      schema: WidgetV3,
      example: { width: 3, colour: 'blue' },
      toPrevious: ({ width, colour }) => ({ size: width, colour }),
      // Loses the colour: claims a lossless upgrade it cannot make.
      fromPrevious: ({ size }: z.infer<typeof WidgetV2>) => ({ width: size, colour: 'grey' }),
    });
    expect(check({ 'widget.made': { '1.0': widgetV1, '2.0': widgetV2, '3.0': widgetV3 } })).toThrow(
      /widget\.made 3\.0 example changes on the way to 2\.0 and back: fromPrevious is not lossless/,
    );
  });

  it('rejects a conversion on the first version and a schema JSON Schema cannot express', () => {
    const firstWithConversion = defineEventVersion({ ...widgetV1, toPrevious: (data) => data });
    expect(check({ 'widget.made': { '1.0': firstWithConversion } })).toThrow(
      /widget\.made 1\.0 is the first version but registers a conversion/,
    );
    const withDate = defineEventVersion({
      type: 'widget.made',
      version: '1.0',
      description: 'A widget was made at a time.',
      schema: z.strictObject({ size: z.number(), at: z.date() }),
      example: { size: 1, at: new Date(0) },
    });
    expect(check({ 'widget.made': { '1.0': withDate } })).toThrow(/cannot be expressed as JSON Schema/);
  });

  it('lists every problem at once', () => {
    const badExample = defineEventVersion({ ...widgetV1, example: { size: 0 } });
    const noConversion = defineEventVersion({ ...widgetV2, toPrevious: undefined });
    expect(check({ 'widget.made': { '1.0': badExample, '2.0': noConversion } })).toThrow(
      /inconsistent:\n {2}- widget\.made 1\.0 example .*\n {2}- widget\.made 2\.0 has no toPrevious/,
    );
  });
});
