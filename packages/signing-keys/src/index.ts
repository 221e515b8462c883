export {
  parseEncryptionKey,
  generateEncryptionKeyText,
  EncryptionKeySetting,
  type EncryptionKey,
} from './encryption-key';
export { loadEncryptionKeyFromEnv } from './load-encryption-key';
export { newSigningKey, openLiveSigningKeys, type OpenSigningKey } from './endpoint-signing-keys';
export { rotateSigningKeys, defaultGraceSeconds, maxGraceSeconds } from './rotate';
export { sealEndpointHeaders, openEndpointHeaders } from './endpoint-headers';
