/**
 * Counts, per endpoint, the requests this worker left running past their batch (see
 * batch-patience.ts). An endpoint with `limit` of them is congested: its next jobs are deferred
 * without a request, so a hanging receiver holds at most `limit` sockets and never the workers.
 */
export function createSlowEndpointTracker(limit: number) {
  const slow = new Map<string, number>();
  return {
    isCongested: (endpointId: string) => (slow.get(endpointId) ?? 0) >= limit,
    add: (endpointId: string) => void slow.set(endpointId, (slow.get(endpointId) ?? 0) + 1),
    remove: (endpointId: string) => {
      const left = (slow.get(endpointId) ?? 1) - 1;
      if (left > 0) slow.set(endpointId, left);
      else slow.delete(endpointId);
    },
  };
}

export type SlowEndpointTracker = ReturnType<typeof createSlowEndpointTracker>;

/**
 * How long a deferred job waits before it is tried again: the request timeout (how long a slot can
 * take to free), doubling with each deferral up to 5 minutes, ±20 %. Doubling keeps a long outage's
 * backlog from being fetched again and again.
 */
export function deferralDelayMs({
  requestTimeoutMs,
  deferrals,
  random,
}: {
  requestTimeoutMs: number;
  deferrals: number;
  random: () => number;
}) {
  const base = Math.min(requestTimeoutMs * 2 ** deferrals, 5 * 60_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}
