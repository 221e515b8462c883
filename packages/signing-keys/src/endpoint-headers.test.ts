import { describe, expect, it } from 'vitest';
import { openEndpointHeaders, sealEndpointHeaders } from './endpoint-headers';
import { parseEncryptionKey } from './encryption-key';

const key = parseEncryptionKey(Buffer.alloc(32, 7).toString('base64'));

describe('sealEndpointHeaders / openEndpointHeaders', () => {
  it('keeps names in the clear and values sealed, and opens them again', () => {
    const stored = sealEndpointHeaders(key, 'ep_1', { authorization: 'Bearer s3cret', 'x-tenant': 'acme' });
    expect(stored.map((h) => h.name)).toEqual(['authorization', 'x-tenant']);
    expect(JSON.stringify(stored)).not.toContain('s3cret');
    expect(openEndpointHeaders(key, 'ep_1', stored)).toEqual({ authorization: 'Bearer s3cret', 'x-tenant': 'acme' });
  });

  it('does not open a value moved to another header or endpoint', () => {
    const [auth] = sealEndpointHeaders(key, 'ep_1', { authorization: 'Bearer s3cret' });
    expect(() => openEndpointHeaders(key, 'ep_1', [{ name: 'x-log-me', sealed: auth!.sealed }])).toThrow(
      /fails authentication/,
    );
    expect(() => openEndpointHeaders(key, 'ep_2', [auth!])).toThrow(/fails authentication/);
  });
});
