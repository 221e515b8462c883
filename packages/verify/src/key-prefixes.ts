/** What each key string starts with: an HMAC secret, an Ed25519 signing (private) key, an Ed25519 public key. */
export const SECRET_PREFIX = 'whsec_';
export const SIGNING_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';
