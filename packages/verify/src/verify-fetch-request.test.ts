import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors';
import { generateSecret } from './generate-secret';
import { generateSigningKeyPair } from './generate-signing-key-pair';
import { verifyFetchRequest } from './verify-fetch-request';
import { webhookHeaders } from './webhook-headers';

function makeRequest({ secrets, body }: { secrets: string[]; body: string }) {
  const headers = webhookHeaders({ id: 'evt_1', timestamp: Math.floor(Date.now() / 1000), body, secrets });
  return new Request('https://receiver.example/webhooks', { method: 'POST', headers, body });
}

describe('verifyFetchRequest', () => {
  const body = JSON.stringify({ type: 'order.created', data: { id: 'ord_1', note: '✓' } });

  it('verifies a Fetch Request with a secret or a public key', async () => {
    const secret = generateSecret();
    const { secretKey, publicKey } = generateSigningKeyPair();
    expect(await verifyFetchRequest(makeRequest({ secrets: [secret, secretKey], body }), { secret })).toEqual(
      JSON.parse(body),
    );
    expect(await verifyFetchRequest(makeRequest({ secrets: [secret, secretKey], body }), { publicKey })).toEqual(
      JSON.parse(body),
    );
  });

  it('rejects a request signed with another secret', async () => {
    const request = makeRequest({ secrets: [generateSecret()], body });
    await expect(verifyFetchRequest(request, { secret: generateSecret() })).rejects.toMatchObject({
      name: 'WebhookVerificationError',
      code: 'bad_signature',
    });
  });

  it('verifies the raw bytes, so a leading byte-order mark is kept', async () => {
    // request.text() would strip the BOM and fail the signature; the bytes pass it and only JSON.parse objects.
    const secret = generateSecret();
    const error = await verifyFetchRequest(makeRequest({ secrets: [secret], body: `\uFEFF${body}` }), { secret }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).code).toBe('invalid_body');
  });
});
