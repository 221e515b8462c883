// Receivers written against the standardwebhooks or svix libraries must accept our headers unchanged,
// and our verifier must accept what those libraries sign.
import { Webhook as SvixWebhook } from 'svix';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret } from './generate-secret';
import { generateSigningKeyPair } from './generate-signing-key-pair';
import { verifyWebhook } from './verify-webhook';
import { webhookHeaders } from './webhook-headers';

const BODY = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', amount: 4200, memo: 'naïve café ✓' } });

function ourHeaders(secrets: string[]) {
  return { ...webhookHeaders({ id: 'msg_2Lh', timestamp: Math.floor(Date.now() / 1000), body: BODY, secrets }) };
}

describe('our signatures verify with the reference libraries', () => {
  it('standardwebhooks Webhook.verify accepts them, with a string or Buffer body', () => {
    const secret = generateSecret();
    const headers = ourHeaders([secret]);
    expect(new StandardWebhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(new StandardWebhook(secret).verify(Buffer.from(BODY), headers)).toEqual(JSON.parse(BODY));
  });

  it('svix Webhook.verify accepts them', () => {
    const secret = generateSecret();
    expect(() => new SvixWebhook(secret).verify(BODY, ourHeaders([secret]))).not.toThrow();
  });

  it('both accept a rotation header with several v1 entries and a v1a entry, whichever secret they hold', () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const headers = ourHeaders([newSecret, generateSigningKeyPair().secretKey, oldSecret]);
    for (const secret of [oldSecret, newSecret]) {
      expect(new StandardWebhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
      expect(() => new SvixWebhook(secret).verify(BODY, headers)).not.toThrow();
    }
  });

  it('both reject our headers under a different secret (the test above is not vacuous)', () => {
    const headers = ourHeaders([generateSecret()]);
    expect(() => new StandardWebhook(generateSecret()).verify(BODY, headers)).toThrow();
    expect(() => new SvixWebhook(generateSecret()).verify(BODY, headers)).toThrow();
  });
});

describe('reference libraries’ signatures verify with verifyWebhook', () => {
  const id = 'msg_2Lh';
  const date = new Date();
  const timestamp = String(Math.floor(date.getTime() / 1000));

  it('accepts standardwebhooks Webhook.sign', () => {
    const secret = generateSecret();
    const signature = new StandardWebhook(secret).sign(id, date, BODY);
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
    expect(verifyWebhook({ secret, headers, body: BODY })).toEqual(JSON.parse(BODY));
    expect(verifyWebhook({ secret, headers, body: Buffer.from(BODY) })).toEqual(JSON.parse(BODY));
  });

  it('accepts svix Webhook.sign under svix-* header names', () => {
    const secret = generateSecret();
    const signature = new SvixWebhook(secret).sign(id, date, BODY);
    const headers = { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature };
    expect(verifyWebhook({ secret, headers, body: BODY })).toEqual(JSON.parse(BODY));
  });

  it('rejects them when the body was changed', () => {
    const secret = generateSecret();
    const signature = new StandardWebhook(secret).sign(id, date, BODY);
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
    expect(() => verifyWebhook({ secret, headers, body: BODY.replace('4200', '4201') })).toThrow(/No v1 entry/);
  });
});
