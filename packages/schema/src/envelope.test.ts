import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildEnvelope, Envelope, envelopeBody } from './envelope';

const input = {
  id: 'evt_4Fq8nR',
  timestamp: new Date('2025-01-15T10:30:00Z'),
  event: 'order.created',
  version: '1.0',
  data: { orderId: 'ord_1001' },
  attempt: 1,
  retryable: true,
};

describe('buildEnvelope', () => {
  it('serialises in the wire key order with an ISO 8601 UTC timestamp', () => {
    expect(JSON.stringify(buildEnvelope(input))).toBe(
      '{"id":"evt_4Fq8nR","timestamp":"2025-01-15T10:30:00.000Z","event":"order.created","version":"1.0",' +
        '"data":{"orderId":"ord_1001"},"attempt":1,"retryable":true}',
    );
  });

  it('keeps the wire key order when the input lists keys in another order', () => {
    const { retryable, attempt, ...rest } = input;
    expect(Object.keys(buildEnvelope({ retryable, attempt, ...rest }))).toEqual([
      'id',
      'timestamp',
      'event',
      'version',
      'data',
      'attempt',
      'retryable',
    ]);
  });

  it('rejects an attempt below 1, an id without evt_ and an invalid date', () => {
    expect(() => buildEnvelope({ ...input, attempt: 0 })).toThrow(/attempt/);
    expect(() => buildEnvelope({ ...input, id: 'ep_1' })).toThrow(/evt_/);
    expect(() => buildEnvelope({ ...input, timestamp: new Date('nope') })).toThrow(/invalid Date/);
  });
});

describe('Envelope', () => {
  it("accepts the seed's example, whose timestamp has no milliseconds", () => {
    const parsed = Envelope.safeParse({
      id: 'evt_1',
      timestamp: '2025-01-15T10:30:00Z',
      event: 'order.created',
      version: '1.0',
      data: {},
      attempt: 1,
      retryable: true,
    });
    expect(parsed.success).toBe(true);
  });

  it('requires data and rejects keys it does not know', () => {
    const { data: _data, ...withoutData } = buildEnvelope(input);
    expect(Envelope.safeParse(withoutData).success).toBe(false);
    expect(Envelope.safeParse({ ...buildEnvelope(input), extra: 1 }).success).toBe(false);
  });
});

describe('envelopeBody', () => {
  const { data: _data, ...fields } = input;

  it('is byte for byte the serialised envelope, for any JSON data given as its text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 20 }), fc.boolean(), (data, attempt, retryable) => {
        const expected = JSON.stringify(buildEnvelope({ ...input, data, attempt, retryable }));
        expect(envelopeBody({ ...fields, attempt, retryable, dataJson: JSON.stringify(data) })).toBe(expected);
      }),
    );
  });

  it('checks the other fields as buildEnvelope does', () => {
    expect(() => envelopeBody({ ...fields, attempt: 0, dataJson: '{}' })).toThrow(/attempt/);
    expect(() => envelopeBody({ ...fields, id: 'ep_1', dataJson: '{}' })).toThrow(/evt_/);
  });
});
