/**
 * Field names whose values never reach a log line, wherever they sit (top level or one object down):
 * API keys, webhook signing keys, Authorization headers and the encryption key.
 */
const secretFieldNames = [
  'apiKey',
  'adminKey',
  'key',
  'secret',
  'signingKey',
  'signingKeys',
  'encryptionKey',
  'authorization',
  'Authorization',
  'password',
];

export const redactedPaths = [
  ...secretFieldNames,
  ...secretFieldNames.map((name) => `*.${name}`),
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
];

export const redactedText = '[redacted]';

// Secrets that can hide in free text (a message, an error): webhook secrets and keys, Hookline API
// keys, bearer credentials and connection-string passwords.
const secretPatterns: [RegExp, string][] = [
  [/\bwh(sec|sk|pk)_[A-Za-z0-9+/=_-]+/g, `wh$1_${redactedText}`],
  [/\bhk_[A-Za-z0-9+/=_-]+/g, `hk_${redactedText}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]+/gi, `$1 ${redactedText}`],
  [/(\w+:\/\/[^:/\s"@]+:)[^@\s"]+@/g, `$1${redactedText}@`],
];

/** The line with every secret-looking string replaced; a last net under the field-name redaction. */
export function scrubSecrets(line: string): string {
  let scrubbed = line;
  for (const [pattern, replacement] of secretPatterns) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}
