import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret } from './generate-secret';
import { generateSigningKeyPair } from './generate-signing-key-pair';
import { signatureHeader } from './signature-header';
import { webhookHeaders } from './webhook-headers';

// The worked example from the Standard Webhooks specification.
const SPEC_EXAMPLE = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signatureHeader', () => {
  it('matches the Standard Webhooks specification example', () => {
    const { secret, id, timestamp, body, signature } = SPEC_EXAMPLE;
    expect(signatureHeader({ id, timestamp, body, secrets: [secret] })).toBe(signature);
  });

  it('is base64 HMAC-SHA256 keyed by the decoded secret over id.timestamp.body', () => {
    const secret = generateSecret();
    const body = '{"type":"order.created","data":{"name":"Zoë"}}';
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`evt_1.1700000000.${body}`)
      .digest('base64');
    expect(signatureHeader({ id: 'evt_1', timestamp: 1700000000, body, secrets: [secret] })).toBe(`v1,${expected}`);
  });

  it('emits one entry per secret, in the order given, v1 for whsec_ and v1a for whsk_', () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const { secretKey } = generateSigningKeyPair();
    const input = { id: 'evt_1', timestamp: 1700000000, body: '{}' };
    const entries = signatureHeader({ ...input, secrets: [newSecret, secretKey, oldSecret] }).split(' ');
    expect(entries.map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1a', 'v1']);
    expect(entries[0]).toBe(signatureHeader({ ...input, secrets: [newSecret] }));
    expect(entries[2]).toBe(signatureHeader({ ...input, secrets: [oldSecret] }));
    expect(Buffer.from(entries[1]!.slice(4), 'base64')).toHaveLength(64);
  });

  it('reuses decoded keys without changing results', () => {
    const secret = generateSecret();
    const input = { id: 'evt_1', timestamp: 1700000000, body: '{}', secrets: [secret] };
    expect(signatureHeader(input)).toBe(signatureHeader(input));
  });

  it('throws a clear error on unknown prefixes, public keys, bad base64 and no secrets', () => {
    const input = { id: 'evt_1', timestamp: 1700000000, body: '{}' };
    expect(() => signatureHeader({ ...input, secrets: ['sk_live_abc'] })).toThrow(/Unknown key prefix.*whsec_/);
    expect(() => signatureHeader({ ...input, secrets: [generateSigningKeyPair().publicKey] })).toThrow(/cannot sign/);
    expect(() => signatureHeader({ ...input, secrets: ['whsec_not base64!'] })).toThrow(/not valid base64/);
    expect(() => signatureHeader({ ...input, secrets: [] })).toThrow(/at least one/);
  });

  it('rejects millisecond and fractional timestamps', () => {
    const input = { id: 'evt_1', body: '{}', secrets: [generateSecret()] };
    expect(() => signatureHeader({ ...input, timestamp: Date.now() })).toThrow(/milliseconds/);
    expect(() => signatureHeader({ ...input, timestamp: 1700000000.5 })).toThrow(RangeError);
  });
});

describe('webhookHeaders', () => {
  it('returns the three Standard Webhooks headers', () => {
    const { secret, id, timestamp, body, signature } = SPEC_EXAMPLE;
    expect(webhookHeaders({ id, timestamp, body, secrets: [secret] })).toEqual({
      'webhook-id': id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': signature,
    });
  });
});
