import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors';
import { generateSecret } from './generate-secret';
import { verifyExpressRequest } from './verify-express-request';
import { webhookHeaders } from './webhook-headers';

// What Express hands a route behind express.raw({ type: 'application/json' }): lower-cased headers, Buffer body.
function makeExpressRequest({ secret, body }: { secret: string; body: string }) {
  const headers = webhookHeaders({ id: 'evt_1', timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] });
  return {
    method: 'POST',
    url: '/webhooks',
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(body),
  };
}

describe('verifyExpressRequest', () => {
  const secret = generateSecret();
  const body = JSON.stringify({ type: 'order.created', data: { id: 'ord_1' } });

  it('verifies a raw Buffer body from express.raw()', () => {
    const req = makeExpressRequest({ secret, body });
    expect(verifyExpressRequest(req, { secret })).toEqual(JSON.parse(body));
    expect(verifyExpressRequest({ ...req, body }, { secret })).toEqual(JSON.parse(body));
  });

  it('rejects a tampered body with a verification error', () => {
    const req = makeExpressRequest({ secret, body });
    expect(() =>
      verifyExpressRequest({ ...req, body: Buffer.from(body.replace('ord_1', 'ord_9')) }, { secret }),
    ).toThrow(WebhookVerificationError);
  });

  it('tells the user to use express.raw() when the body was already parsed or is missing', () => {
    const req = makeExpressRequest({ secret, body });
    expect(() => verifyExpressRequest({ ...req, body: JSON.parse(body) }, { secret })).toThrow(
      /already-parsed object.*express\.raw\(\{ type: 'application\/json' \}\)/,
    );
    expect(() => verifyExpressRequest({ ...req, body: undefined }, { secret })).toThrow(
      /req\.body is undefined.*express\.raw/,
    );
    // Not a WebhookVerificationError: a misconfigured route should fail loudly (500), not look like forged requests.
    expect(() => verifyExpressRequest({ ...req, body: {} }, { secret })).not.toThrow(WebhookVerificationError);
  });
});
