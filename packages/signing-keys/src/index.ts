export {
  parseEncryptionKey,
  generateEncryptionKeyText,
  encryptionKeyFormat,
  EncryptionKeySetting,
  type EncryptionKey,
} from './encryption-key';
export {
  loadEncryptionKey,
  loadEncryptionKeyFromEnv,
  developmentKeyFile,
  type LoadEncryptionKeyOptions,
} from './load-encryption-key';
export { sealSecret, openSecret, SecretDecryptionError } from './seal';
export { newSigningKey, isLive, openLiveSigningKeys, type OpenSigningKey } from './endpoint-signing-keys';
export { rotateSigningKeys, defaultGraceSeconds, maxGraceSeconds, maxOldKeys } from './rotate';
