import type { SlotClaim, SlotDemand } from './claim-slots';
import type { DeliveryWork } from './parse-jobs';

/** Tunables of the shared throttle (endpoints' rateLimit and maxInFlight). */
export const throttleSettings = {
  // Slots are spaced 4 % wider than 1/rate: a request that starts or arrives a little late then cannot
  // make two land in one interval's room, so any 1 s window holds at most rate + 1 on-time requests;
  // the achieved mean rate is 0.96 × the limit.
  paceMargin: 0.04,
  // A job whose slot is further than this ahead waits in the queue, not in a worker.
  horizonMs: 1_000,
  // A rate-limited job deferred to its slot is due this much earlier, so it is fetched, claimed and
  // waiting when its time comes instead of a poll interval late.
  leadMs: 500,
  // An endpoint's request duration before any attempt of it was recorded: a guess, corrected by the first batch.
  unknownRequestMs: 1_000,
  // The shortest deferral: a job put back is not fetched again within a few polls of the same worker.
  minDeferralMs: 100,
} as const;

/** Milliseconds between request starts for a rate limit (requests per second); null for none. */
export function intervalFor(rateLimit: number | null): number | null {
  return rateLimit === null ? null : 1000 / (rateLimit * (1 - throttleSettings.paceMargin));
}

/** A job in a lane, and for a rate-limited endpoint the slot it may start at. */
export type LaneItem = { work: DeliveryWork; slotAt: Date | null };

/**
 * One in-flight lease of an endpoint and the jobs sent over it one after another. A lane without a
 * lease belongs to an endpoint that makes no request (a disabled one): it sends its one job at once.
 */
export type Lane = { endpointId: string; leaseId: string | null; intervalMs: number | null; items: LaneItem[] };

/** A job put back in the queue, due again at `startAfter`: a deferral, not an attempt. */
export type Deferral = { work: DeliveryWork; startAfter: Date };

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

export type PlanOptions = {
  now: Date;
  requestTimeoutMs: number;
  random: () => number;
};

/**
 * Splits a batch by its claims: each granted lease becomes a lane. Without a rate limit an endpoint's
 * jobs are shared out over its lanes (sent one after another on each); with one, each lane sends one
 * job at its slot. Jobs with no lane are deferred: a rate-limited one to about its slot, any other to
 * about when a lease frees (see `busyDeferralMs`).
 */
export function planLanes(
  work: DeliveryWork[],
  claims: Map<string, SlotClaim>,
  options: PlanOptions,
): { lanes: Lane[]; deferred: Deferral[] } {
  const lanes: Lane[] = [];
  const deferred: Deferral[] = [];
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
    const claim = claims.get(endpointId) ?? { leaseIds: [], firstSlot: null, requestMs: null };
    const { rateLimit, maxInFlight } = jobs[0]!.row.endpoint;
    const intervalMs = intervalFor(rateLimit);
    const endpointLanes: Lane[] = claim.leaseIds.map((leaseId) => ({ endpointId, leaseId, intervalMs, items: [] }));
    lanes.push(...endpointLanes);
    if (intervalMs !== null && claim.firstSlot) {
      const first = claim.firstSlot.getTime();
      jobs.forEach((w, i) => {
        const slot = first + i * intervalMs;
        if (i < endpointLanes.length) endpointLanes[i]!.items.push({ work: w, slotAt: new Date(slot) });
        else {
          const due = Math.max(slot - throttleSettings.leadMs, options.now.getTime() + throttleSettings.minDeferralMs);
          deferred.push({ work: w, startAfter: new Date(due) });
        }
      });
      continue;
    }
    if (endpointLanes.length === 0) {
      deferred.push(...deferBusy(jobs, { maxInFlight, requestMs: claim.requestMs }, options));
      continue;
    }
    jobs.forEach((w, i) => endpointLanes[i % endpointLanes.length]!.items.push({ work: w, slotAt: null }));
  }
  return { lanes, deferred };
}

/** Defers jobs of an endpoint whose leases are all taken, each to about when its turn would come. */
export function deferBusy(
  jobs: DeliveryWork[],
  endpoint: { maxInFlight: number; requestMs: number | null },
  options: PlanOptions,
): Deferral[] {
  return jobs.map((work, position) => ({
    work,
    startAfter: new Date(
      options.now.getTime() +
        busyDeferralMs({
          position,
          maxInFlight: endpoint.maxInFlight,
          requestMs: endpoint.requestMs,
          requestTimeoutMs: options.requestTimeoutMs,
          deferrals: (work.data.deferrals ?? 0) + 1,
          random: options.random,
        }),
    ),
  }));
}

/**
 * How long a job with no free lease waits: until its turn, estimated from its place among the waiting
 * jobs, the endpoint's in-flight cap and its recent request duration, ±20 %. An endpoint whose requests
 * run into the timeout is congested (a hanging receiver): then at least the request timeout, doubling
 * with each deferral up to 5 minutes, so a long outage's backlog is not fetched again and again.
 */
export function busyDeferralMs({
  position,
  maxInFlight,
  requestMs,
  requestTimeoutMs,
  deferrals,
  random,
}: {
  position: number;
  maxInFlight: number;
  requestMs: number | null;
  requestTimeoutMs: number;
  deferrals: number;
  random: () => number;
}): number {
  const perRequest = requestMs ?? throttleSettings.unknownRequestMs;
  const turn = (Math.floor(position / maxInFlight) + 1) * perRequest;
  const congested = requestMs !== null && requestMs >= requestTimeoutMs / 2;
  const base = congested ? Math.max(turn, Math.min(requestTimeoutMs * 2 ** (deferrals - 1), 5 * 60_000)) : turn;
  return Math.max(throttleSettings.minDeferralMs, Math.round(base * (0.8 + 0.4 * random())));
}
