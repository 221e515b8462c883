import type { SlotClaim, SlotDemand } from './claim-slots';
import type { DeliveryWork } from './parse-jobs';

/** Tunables of the shared throttle (endpoints' rateLimit and maxInFlight). */
export const throttleSettings = {
  // Slots are spaced 6 % wider than 1/rate: a 1 s window then holds at most 0.94 × rate + 1 on-time
  // requests, which leaves room for a few that start or arrive late beside on-time ones; the achieved
  // mean rate is at most 0.94 × the limit.
  paceMargin: 0.06,
  // A job whose slot is further than this ahead waits in the queue, not in a worker.
  horizonMs: 1_000,
  // A claim's first slot is at least this far ahead: time for the claim's answer to reach the worker,
  // so its first request is not late before it begins.
  slotLeadMs: 100,
  // A request may start this much after its slot (or one interval, if longer); later it gives the slot
  // up and waits for another, so a late worker never crowds the slots of the others.
  lateToleranceMs: 50,
  // A rate-limited lane sends at most this many slots one after another, which bounds how long it holds its lease.
  slotsPerLane: 4,
  // A rate-limited job deferred to its turn is due this much earlier, so it is fetched, claimed and
  // waiting when its slot comes instead of a poll interval late.
  leadMs: 500,
  // An endpoint's request duration before any attempt of it was recorded: a guess, corrected by the first batch.
  unknownRequestMs: 100,
  // The shortest deferral: a job put back is not fetched again within a few polls of the same worker.
  minDeferralMs: 100,
  // An in-flight lease lives this long past its claim or last renewal, and its worker renews it while its
  // lane runs (lease-keeper.ts): a worker killed mid-batch blocks its endpoints' slots for at most that long.
  lease: { leaseMs: 10_000, renewEveryMs: 3_000 },
} as const;

/** Milliseconds between request starts for a rate limit (requests per second); null for none. */
export function intervalFor(rateLimit: number | null): number | null {
  return rateLimit === null ? null : 1000 / (rateLimit * (1 - throttleSettings.paceMargin));
}

/**
 * How long a job of a congested endpoint (its requests run into the timeout) waits when it is deferred
 * again after `earlierDeferrals`: the request timeout, doubling per deferral up to 5 minutes, ±20 %, so a
 * hanging receiver's backlog is not fetched again and again.
 */
export function congestedDeferralMs({
  requestTimeoutMs,
  earlierDeferrals,
  random,
}: {
  requestTimeoutMs: number;
  earlierDeferrals: number;
  random: () => number;
}): number {
  const base = Math.min(requestTimeoutMs * 2 ** earlierDeferrals, 5 * 60_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A job in a lane, and for a rate-limited endpoint the slot it may start at. */
export type LaneItem = { work: DeliveryWork; slotAt: Date | null };

/**
 * One in-flight lease of an endpoint and the jobs sent over it one after another. A lane without a
 * lease belongs to an endpoint that makes no request (a disabled one): it sends its one job at once.
 */
export type Lane = { endpointId: string; leaseId: string | null; intervalMs: number | null; items: LaneItem[] };

/** What each endpoint of a batch asks for; disabled endpoints make no request and ask nothing. */
export function slotDemands(work: DeliveryWork[]): SlotDemand[] {
  const demands = new Map<string, SlotDemand>();
  for (const { row } of work) {
    if (!row.endpoint.enabled) continue;
    const demand = demands.get(row.endpoint.id);
    if (demand) demand.jobs++;
    else
      demands.set(row.endpoint.id, {
        endpointId: row.endpoint.id,
        jobs: 1,
        intervalMs: intervalFor(row.endpoint.rateLimit),
        maxInFlight: row.endpoint.maxInFlight,
      });
  }
  return [...demands.values()];
}

/**
 * Splits a batch by its claims: each granted lease becomes a lane, and an endpoint's kept jobs are shared
 * out over its lanes, sent one after another on each, a rate-limited one at its slot. Jobs not kept
 * wait for their turn in the queue (see defer-throttled.ts).
 */
export function planLanes(
  work: DeliveryWork[],
  claims: Map<string, SlotClaim>,
): { lanes: Lane[]; waiting: DeliveryWork[] } {
  const lanes: Lane[] = [];
  const waiting: DeliveryWork[] = [];
  const byEndpoint = new Map<string, DeliveryWork[]>();
  for (const w of work) {
    if (!w.row.endpoint.enabled) {
      lanes.push({
        endpointId: w.row.endpoint.id,
        leaseId: null,
        intervalMs: null,
        items: [{ work: w, slotAt: null }],
      });
      continue;
    }
    const list = byEndpoint.get(w.row.endpoint.id) ?? [];
    list.push(w);
    byEndpoint.set(w.row.endpoint.id, list);
  }
  for (const [endpointId, jobs] of byEndpoint) {
    const claim = claims.get(endpointId) ?? { leaseIds: [], firstSlot: null, jobs: 0, requestMs: null };
    const { rateLimit } = jobs[0]!.row.endpoint;
    const intervalMs = intervalFor(rateLimit);
    const endpointLanes: Lane[] = claim.leaseIds.map((leaseId) => ({ endpointId, leaseId, intervalMs, items: [] }));
    lanes.push(...endpointLanes);
    if (intervalMs !== null && claim.firstSlot) {
      const first = claim.firstSlot.getTime();
      jobs.forEach((w, i) => {
        if (i < claim.jobs && endpointLanes.length > 0) {
          endpointLanes[i % endpointLanes.length]!.items.push({ work: w, slotAt: new Date(first + i * intervalMs) });
        } else waiting.push(w);
      });
      continue;
    }
    if (endpointLanes.length === 0) {
      waiting.push(...jobs);
      continue;
    }
    jobs.forEach((w, i) => endpointLanes[i % endpointLanes.length]!.items.push({ work: w, slotAt: null }));
  }
  return { lanes, waiting };
}
