/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns the
 * delay in milliseconds from `now`, never negative, or null when the value is missing or unreadable
 * (an unreadable header is ignored rather than trusted).
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the date forms HTTP allows; Date.parse alone would also accept "5" or "tomorrow-ish" strings.
  if (!/^[A-Za-z]{3,9}, /.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
