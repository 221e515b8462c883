// Buffer.from(x, 'base64') silently skips characters it does not know, so a typo in a secret would
// yield a different key instead of an error. Check the alphabet first (standard base64, padding optional).
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Strict base64 decode; returns undefined when `text` is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}
