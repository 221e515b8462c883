import { describe, expect, it } from 'vitest';
import { WebhookVerificationError, type WebhookVerificationErrorCode } from './errors';
import { generateSecret } from './generate-secret';
import { generateSigningKeyPair } from './generate-signing-key-pair';
import { webhookHeaders } from './webhook-headers';
import { verifyWebhook, type VerifyWebhookOptions } from './verify-webhook';

const NOW_SECONDS = 1_700_000_000;
const now = () => NOW_SECONDS * 1000;
const BODY = JSON.stringify({ type: 'order.created', data: { id: 'ord_1', note: 'Zoë ✓' } });

function makeSigned({
  secrets,
  body = BODY,
  timestamp = NOW_SECONDS,
}: {
  secrets: string[];
  body?: string;
  timestamp?: number;
}) {
  return { body, headers: { ...webhookHeaders({ id: 'evt_1', timestamp, body, secrets }) } as Record<string, string> };
}

function expectCode(run: () => unknown, code: WebhookVerificationErrorCode) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).code).toBe(code);
    return error as WebhookVerificationError;
  }
  throw new Error(`expected WebhookVerificationError ${code}, but verification passed`);
}

describe('verifyWebhook with whsec_ secrets (v1)', () => {
  const secret = generateSecret();

  it('returns the parsed body for a good signature', () => {
    const signed = makeSigned({ secrets: [secret] });
    expect(verifyWebhook({ secret, ...signed, now })).toEqual(JSON.parse(BODY));
  });

  it('types the result with the generic', () => {
    const signed = makeSigned({ secrets: [secret] });
    const event = verifyWebhook<{ type: string }>({ secret, ...signed, now });
    expect(event.type).toBe('order.created');
  });

  it('passes when the receiver knows only the old or only the new secret during rotation', () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const signed = makeSigned({ secrets: [newSecret, oldSecret] });
    expect(verifyWebhook({ secret: oldSecret, ...signed, now })).toEqual(JSON.parse(BODY));
    expect(verifyWebhook({ secret: newSecret, ...signed, now })).toEqual(JSON.parse(BODY));
    // The receiver side of a rotation: it holds both and the sender has switched to the new one only.
    const newOnly = makeSigned({ secrets: [newSecret] });
    expect(verifyWebhook({ secret: [oldSecret, newSecret], ...newOnly, now })).toEqual(JSON.parse(BODY));
  });

  it('rejects a tampered body', () => {
    const signed = makeSigned({ secrets: [secret] });
    const error = expectCode(
      () => verifyWebhook({ secret, ...signed, body: BODY.replace('ord_1', 'ord_2'), now }),
      'bad_signature',
    );
    expect(error.message).toMatch(/raw request body/);
  });

  it('rejects re-serialised JSON (whitespace differs from what was signed)', () => {
    const signed = makeSigned({ secrets: [secret], body: '{"a": 1}' });
    expectCode(
      () => verifyWebhook({ secret, ...signed, body: JSON.stringify(JSON.parse(signed.body)), now }),
      'bad_signature',
    );
  });

  it('rejects the wrong secret, a v1a-only header and a changed id or timestamp', () => {
    const signed = makeSigned({ secrets: [secret] });
    expectCode(() => verifyWebhook({ secret: generateSecret(), ...signed, now }), 'bad_signature');
    const edOnly = makeSigned({ secrets: [generateSigningKeyPair().secretKey] });
    expectCode(() => verifyWebhook({ secret, ...edOnly, now }), 'bad_signature');
    expectCode(
      () => verifyWebhook({ secret, body: signed.body, headers: { ...signed.headers, 'webhook-id': 'evt_2' }, now }),
      'bad_signature',
    );
    const shifted = { ...signed.headers, 'webhook-timestamp': String(NOW_SECONDS + 1) };
    expectCode(() => verifyWebhook({ secret, body: signed.body, headers: shifted, now }), 'bad_signature');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a request without %s', (name) => {
    const signed = makeSigned({ secrets: [secret] });
    const headers = { ...signed.headers };
    delete headers[name];
    const error = expectCode(() => verifyWebhook({ secret, body: signed.body, headers, now }), 'missing_header');
    expect(error.message).toContain(name);
    expectCode(
      () => verifyWebhook({ secret, body: signed.body, headers: { ...signed.headers, [name]: '' }, now }),
      'missing_header',
    );
  });

  it.each(['', 'abc', '1700000000.5', '-1700000000', '17e8', ' 1700000000'])(
    'rejects the timestamp %j',
    (timestamp) => {
      const signed = makeSigned({ secrets: [secret] });
      const headers = { ...signed.headers, 'webhook-timestamp': timestamp };
      expectCode(
        () => verifyWebhook({ secret, body: signed.body, headers, now }),
        timestamp === '' ? 'missing_header' : 'invalid_timestamp',
      );
    },
  );

  it('accepts timestamps up to the tolerance either way and rejects beyond it', () => {
    for (const offset of [-300, 300]) {
      const signed = makeSigned({ secrets: [secret], timestamp: NOW_SECONDS + offset });
      expect(verifyWebhook({ secret, ...signed, now })).toEqual(JSON.parse(BODY));
    }
    const old = makeSigned({ secrets: [secret], timestamp: NOW_SECONDS - 301 });
    expect(expectCode(() => verifyWebhook({ secret, ...old, now }), 'timestamp_too_old').message).toMatch(
      /301 s in the past/,
    );
    const future = makeSigned({ secrets: [secret], timestamp: NOW_SECONDS + 301 });
    expectCode(() => verifyWebhook({ secret, ...future, now }), 'timestamp_too_new');
  });

  it('honours a custom tolerance and defaults now to the real clock', () => {
    const old = makeSigned({ secrets: [secret], timestamp: NOW_SECONDS - 3600 });
    expect(verifyWebhook({ secret, ...old, now, toleranceSeconds: 3600 })).toEqual(JSON.parse(BODY));
    expectCode(() => verifyWebhook({ secret, ...old, now, toleranceSeconds: 60 }), 'timestamp_too_old');
    const fresh = makeSigned({ secrets: [secret], timestamp: Math.floor(Date.now() / 1000) });
    expect(verifyWebhook({ secret, ...fresh })).toEqual(JSON.parse(BODY));
    expectCode(() => verifyWebhook({ secret, ...makeSigned({ secrets: [secret] }) }), 'timestamp_too_old');
  });

  it('skips malformed and unknown entries and still finds the good one', () => {
    const signed = makeSigned({ secrets: [secret] });
    const good = signed.headers['webhook-signature']!;
    const noise = ['v1', 'v1,', ',abc', 'v1,!!!', 'v1,short', 'v2,' + good.slice(3), 'garbage', '', 'v1a,AAAA'];
    const headers = { ...signed.headers, 'webhook-signature': [...noise, good].join(' ') };
    expect(verifyWebhook({ secret, body: signed.body, headers, now })).toEqual(JSON.parse(BODY));
    expectCode(
      () =>
        verifyWebhook({
          secret,
          body: signed.body,
          headers: { ...headers, 'webhook-signature': noise.join(' ') },
          now,
        }),
      'bad_signature',
    );
    // Same length as a real signature but different: compared, not matched, no throw.
    const sameLength = `v1,${'A'.repeat(good.length - 3)}`;
    expectCode(
      () => verifyWebhook({ secret, body: signed.body, headers: { ...headers, 'webhook-signature': sameLength }, now }),
      'bad_signature',
    );
  });

  it('accepts Buffer and Uint8Array bodies, including a slice of a larger buffer', () => {
    const signed = makeSigned({ secrets: [secret] });
    expect(verifyWebhook({ secret, headers: signed.headers, body: Buffer.from(BODY), now })).toEqual(JSON.parse(BODY));
    expect(verifyWebhook({ secret, headers: signed.headers, body: new TextEncoder().encode(BODY), now })).toEqual(
      JSON.parse(BODY),
    );
    const padded = Buffer.from(`xxxx${BODY}yyyy`);
    const slice = new Uint8Array(padded.buffer, padded.byteOffset + 4, padded.length - 8);
    expect(verifyWebhook({ secret, headers: signed.headers, body: slice, now })).toEqual(JSON.parse(BODY));
  });

  it('looks headers up case-insensitively in plain objects and in Fetch Headers', () => {
    const signed = makeSigned({ secrets: [secret] });
    const mixedCase = {
      'Webhook-Id': signed.headers['webhook-id']!,
      'WEBHOOK-TIMESTAMP': signed.headers['webhook-timestamp']!,
      'Webhook-Signature': signed.headers['webhook-signature']!,
    };
    expect(verifyWebhook({ secret, body: signed.body, headers: mixedCase, now })).toEqual(JSON.parse(BODY));
    expect(verifyWebhook({ secret, body: signed.body, headers: new Headers(mixedCase), now })).toEqual(
      JSON.parse(BODY),
    );
    const missing = new Headers(mixedCase);
    missing.delete('webhook-id');
    expectCode(() => verifyWebhook({ secret, body: signed.body, headers: missing, now }), 'missing_header');
  });

  it('joins a signature header given as an array of values', () => {
    const oldSecret = generateSecret();
    const signed = makeSigned({ secrets: [generateSecret(), oldSecret] });
    const [first, second] = signed.headers['webhook-signature']!.split(' ');
    const headers = { ...signed.headers, 'webhook-signature': [first!, second!] };
    expect(verifyWebhook({ secret: oldSecret, body: signed.body, headers, now })).toEqual(JSON.parse(BODY));
  });

  it('falls back to svix-id / svix-timestamp / svix-signature', () => {
    const signed = makeSigned({ secrets: [secret] });
    const headers = {
      'svix-id': signed.headers['webhook-id'],
      'svix-timestamp': signed.headers['webhook-timestamp'],
      'svix-signature': signed.headers['webhook-signature'],
    };
    expect(verifyWebhook({ secret, body: signed.body, headers, now })).toEqual(JSON.parse(BODY));
  });

  it('reports a valid signature over a non-JSON body as invalid_body', () => {
    const signed = makeSigned({ secrets: [secret], body: 'not json' });
    expectCode(() => verifyWebhook({ secret, ...signed, now }), 'invalid_body');
  });
});

describe('verifyWebhook with whpk_ public keys (v1a)', () => {
  it('verifies Ed25519 signatures, including during key rotation', () => {
    const oldPair = generateSigningKeyPair();
    const newPair = generateSigningKeyPair();
    const signed = makeSigned({ secrets: [newPair.secretKey, oldPair.secretKey] });
    expect(verifyWebhook({ publicKey: oldPair.publicKey, ...signed, now })).toEqual(JSON.parse(BODY));
    expect(verifyWebhook({ publicKey: [newPair.publicKey], ...signed, now })).toEqual(JSON.parse(BODY));
  });

  it('rejects a tampered body, the wrong key, v1-only headers and malformed v1a entries', () => {
    const pair = generateSigningKeyPair();
    const signed = makeSigned({ secrets: [pair.secretKey] });
    expectCode(() => verifyWebhook({ publicKey: pair.publicKey, ...signed, body: BODY + ' ', now }), 'bad_signature');
    expectCode(() => verifyWebhook({ publicKey: generateSigningKeyPair().publicKey, ...signed, now }), 'bad_signature');
    const hmacOnly = makeSigned({ secrets: [generateSecret()] });
    expectCode(() => verifyWebhook({ publicKey: pair.publicKey, ...hmacOnly, now }), 'bad_signature');
    const good = signed.headers['webhook-signature']!;
    const malformed = { ...signed.headers, 'webhook-signature': `v1a,AAAA v1a,${'A'.repeat(88)} v1a,%%%` };
    expectCode(
      () => verifyWebhook({ publicKey: pair.publicKey, body: signed.body, headers: malformed, now }),
      'bad_signature',
    );
    const withGood = { ...malformed, 'webhook-signature': `${malformed['webhook-signature']} ${good}` };
    expect(verifyWebhook({ publicKey: pair.publicKey, body: signed.body, headers: withGood, now })).toEqual(
      JSON.parse(BODY),
    );
  });
});

describe('verifyWebhook configuration errors', () => {
  const signed = makeSigned({ secrets: [generateSecret()] });

  it('requires exactly one of secret or publicKey, with the right prefix', () => {
    const secret = generateSecret();
    const { publicKey } = generateSigningKeyPair();
    const bad = [
      { ...signed },
      { ...signed, secret, publicKey },
      { ...signed, secret: [] },
      { ...signed, secret: publicKey },
      { ...signed, publicKey: secret },
      { ...signed, secret: 'whsec_***' },
    ] as unknown as VerifyWebhookOptions[];
    for (const options of bad) {
      expect(() => verifyWebhook({ ...options, now })).toThrow(TypeError);
    }
  });
});
