import { openEndpointHeaders, openLiveSigningKeys, type EncryptionKey } from '@hookline/signing-keys';
import type { LoadedDelivery } from './load-deliveries';

/** What is sealed on an endpoint's row, in the clear: its live signing secrets and its custom headers. */
export type EndpointSecrets = { signingKeys: string[]; headers: Record<string, string> };

/** An endpoint's secrets, or why they cannot be opened. */
export type EndpointSecretsOf = (row: LoadedDelivery) => EndpointSecrets | Error;

/**
 * Opens each endpoint's keys and header values once per batch: a batch holds many deliveries to the
 * same few endpoints, and each opening is an AES-GCM decryption.
 */
export function endpointSecretsOnce(encryptionKey: EncryptionKey, at: Date): EndpointSecretsOf {
  const opened = new Map<string, EndpointSecrets | Error>();
  return (row) => {
    let secrets = opened.get(row.endpoint.id);
    if (!secrets) {
      try {
        secrets = {
          signingKeys: openLiveSigningKeys(encryptionKey, row.endpoint.id, row.endpoint.signingKeys, at).map(
            (k) => k.plaintext,
          ),
          headers: openEndpointHeaders(encryptionKey, row.endpoint.id, row.endpoint.headers),
        };
      } catch (error) {
        secrets = error as Error;
      }
      opened.set(row.endpoint.id, secrets);
    }
    return secrets;
  };
}
