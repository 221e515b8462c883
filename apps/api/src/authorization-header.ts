/** The API key an `Authorization` header carries, or why it carries none. */
type AuthorizationHeader =
  | { key: string; problem: null }
  /** `problem` is null when there was no header at all: only protected procedures mind. */
  | { key: null; problem: string | null };

/** Reads `Authorization: Bearer <key>` (the scheme in any case, surrounding spaces allowed). */
export function parseAuthorizationHeader(header: string | undefined): AuthorizationHeader {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (match) return { key: match[1]!, problem: null };
  return { key: null, problem: header ? 'Authorization must be "Bearer <key>"' : null };
}
