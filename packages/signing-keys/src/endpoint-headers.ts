import type { StoredHeader } from '@hookline/db';
import type { EncryptionKey } from './encryption-key';
import { sealSecret, unsealSecret } from './seal';

// The header's name is part of the authenticated context: a sealed Authorization value copied onto
// another header name (which a receiver might log) does not open.
const context = (endpointId: string, name: string) => `${endpointId} header ${name}`;

/** Seals each value for `endpointId`'s row; names stay in the clear, in the order given. */
export function sealEndpointHeaders(
  key: EncryptionKey,
  endpointId: string,
  headers: Readonly<Record<string, string>>,
): StoredHeader[] {
  return Object.entries(headers).map(([name, value]) => ({
    name,
    sealed: sealSecret(key, value, context(endpointId, name)),
  }));
}

/** The headers in the clear. Throws SecretDecryptionError on a wrong key or an altered row. */
export function openEndpointHeaders(
  key: EncryptionKey,
  endpointId: string,
  stored: readonly StoredHeader[],
): Record<string, string> {
  return Object.fromEntries(stored.map((h) => [h.name, unsealSecret(key, h.sealed, context(endpointId, h.name))]));
}
