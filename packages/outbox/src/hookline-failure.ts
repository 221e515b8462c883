/**
 * What a failed publish means for the rows in it:
 * - `unavailable`: Hookline did not take the batch and may later (no answer, 5xx, 429, or a
 *   setting of ours it refuses, 401/403): keep the rows and try again after a pause;
 * - `refused`: Hookline will never take these events as they are (400, 404 for the application):
 *   `byIndex` names the failing items of the batch when the answer says which;
 * - `too_large`: the request body is over Hookline's limit (413): send fewer events at a time.
 */
export type HooklineFailure =
  | { kind: 'unavailable'; message: string }
  | { kind: 'refused'; message: string; byIndex: Map<number, string> }
  | { kind: 'too_large'; message: string };

type WireIssue = { path?: unknown[]; message?: string };

/** Reads a @hookline/client (tRPC) error; anything without an HTTP status never reached Hookline. */
export function classifyHooklineFailure(error: unknown): HooklineFailure {
  const message = error instanceof Error ? error.message : String(error);
  const data = (error as { data?: { httpStatus?: number; issues?: WireIssue[] } } | null)?.data;
  const status = data?.httpStatus;
  if (status === 413) return { kind: 'too_large', message };
  if (status === 400 || status === 404) {
    return { kind: 'refused', message, byIndex: issuesByBatchIndex(data?.issues ?? []) };
  }
  return { kind: 'unavailable', message: status ? `HTTP ${status}: ${message}` : message };
}

/** `events.3.data.amount: expected number` → 3 → "data.amount: expected number". */
function issuesByBatchIndex(issues: WireIssue[]): Map<number, string> {
  const byIndex = new Map<number, string>();
  for (const issue of issues) {
    const [head, index, ...rest] = issue.path ?? [];
    if (head !== 'events' || typeof index !== 'number') continue;
    const text = rest.length > 0 ? `${rest.join('.')}: ${issue.message}` : (issue.message ?? 'refused');
    byIndex.set(index, byIndex.has(index) ? `${byIndex.get(index)}; ${text}` : text);
  }
  return byIndex;
}
