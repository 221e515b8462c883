/** Request headers as Node (`req.headers`), a plain object, or a Fetch `Headers`. */
export type HeadersInput = Record<string, string | string[] | undefined> | Headers;

/** Case-insensitive header lookup; repeated headers come back joined with a space. */
export function headerValue(headers: HeadersInput, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  // Node lower-cases names already; plain objects written by hand may not, so fall back to a scan.
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  // A signature header sent twice is two lists of entries; a space keeps them one list.
  return Array.isArray(value) ? value.join(' ') : value;
}

// Duck-typed rather than `instanceof Headers`, so Headers from another realm or polyfill also work.
function isFetchHeaders(headers: HeadersInput): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function';
}
