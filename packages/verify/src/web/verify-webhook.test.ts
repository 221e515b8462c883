import { describe, expect, it } from 'vitest';
import { generateSecret } from '../generate-secret';
import { generateSigningKeyPair } from '../generate-signing-key-pair';
import { webhookHeaders } from '../webhook-headers';
import { verifyFetchRequest, verifyWebhook } from './index';

// Signed by the Node signer the delivery worker uses, verified with Web Crypto alone.
function signed({
  secrets,
  body,
  timestamp = Math.floor(Date.now() / 1000),
}: {
  secrets: string[];
  body: string;
  timestamp?: number;
}) {
  return { headers: webhookHeaders({ id: 'evt_1', timestamp, body, secrets }), body };
}

describe('the Web Crypto verifier', () => {
  const body = JSON.stringify({ event: 'order.created', data: { orderId: 'ord_1', note: '✓' } });

  it('accepts what the Node signer signed, by HMAC secret or Ed25519 public key, among several entries', async () => {
    const secret = generateSecret();
    const { secretKey, publicKey } = generateSigningKeyPair();
    const request = signed({ secrets: [generateSecret(), secret, secretKey], body });
    expect(await verifyWebhook({ ...request, secret })).toEqual(JSON.parse(body));
    expect(await verifyWebhook({ ...request, publicKey })).toEqual(JSON.parse(body));
    expect(
      await verifyWebhook({ ...request, body: new TextEncoder().encode(body), secret: [generateSecret(), secret] }),
    ).toEqual(JSON.parse(body));
  });

  it('rejects another key, a changed body and a stale timestamp with the same codes as the Node verifier', async () => {
    const secret = generateSecret();
    const request = signed({ secrets: [secret], body });
    await expect(verifyWebhook({ ...request, secret: generateSecret() })).rejects.toMatchObject({
      code: 'bad_signature',
    });
    await expect(verifyWebhook({ ...request, body: body.replace('ord_1', 'ord_2'), secret })).rejects.toMatchObject({
      code: 'bad_signature',
    });
    const stale = signed({ secrets: [secret], body, timestamp: Math.floor(Date.now() / 1000) - 301 });
    await expect(verifyWebhook({ ...stale, secret })).rejects.toMatchObject({ code: 'timestamp_too_old' });
    await expect(verifyWebhook({ ...request, headers: {}, secret })).rejects.toMatchObject({ code: 'missing_header' });
  });

  it('verifies a Fetch Request from its raw bytes', async () => {
    const secret = generateSecret();
    const { headers } = signed({ secrets: [secret], body });
    const request = new Request('https://receiver.example/webhooks', { method: 'POST', headers, body });
    expect(await verifyFetchRequest(request, { secret })).toEqual(JSON.parse(body));
  });

  it('throws a TypeError for a malformed key before looking at the request, as the Node verifier does', async () => {
    const request = signed({ secrets: [generateSecret()], body });
    await expect(verifyWebhook({ ...request, secret: 'whsec_***' })).rejects.toThrow(TypeError);
    // Even without headers: a receiver can probe its configuration at start-up.
    await expect(verifyWebhook({ headers: {}, body: '', secret: 'whsec_***' })).rejects.toThrow(TypeError);
  });
});
