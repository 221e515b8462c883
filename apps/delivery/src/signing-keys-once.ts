import { openLiveSigningKeys, type EncryptionKey } from '@hookline/signing-keys';
import type { LoadedDelivery } from './load-deliveries';

/** An endpoint's live signing secrets, or why they cannot be opened. */
export type SigningKeysOf = (row: LoadedDelivery) => string[] | Error;

/**
 * Opens each endpoint's live keys once per batch: a batch holds many deliveries to the same few
 * endpoints, and each opening is an AES-GCM decryption.
 */
export function signingKeysOnce(encryptionKey: EncryptionKey, at: Date): SigningKeysOf {
  const opened = new Map<string, string[] | Error>();
  return (row) => {
    let keys = opened.get(row.endpoint.id);
    if (!keys) {
      try {
        keys = openLiveSigningKeys(encryptionKey, row.endpoint.id, row.endpoint.signingKeys, at).map(
          (k) => k.plaintext,
        );
      } catch (error) {
        keys = error as Error;
      }
      opened.set(row.endpoint.id, keys);
    }
    return keys;
  };
}
