import type { AttemptRecord } from './attempt-record';
import { throttleSettings, type Lane, type LaneItem } from './throttle-plan';

/** Where one job of a lane stands: waiting for its lane, waiting for its rate-limit slot, sending, or done. */
export type ItemState = 'queued' | 'pacing' | 'sending' | 'done';

/** A rate-limited job that could not start within an interval of its slot: it goes back to the queue. */
export type MissedSlot = { missedSlot: true };
export type LaneResult = AttemptRecord | MissedSlot;
export const missedSlot = (result: LaneResult): result is MissedSlot => 'missedSlot' in result;

export type LaneItemRun = LaneItem & {
  lane: Lane;
  state: ItemState;
  /** Settles when the attempt is made; never settles for an item still queued when the lanes stop. */
  attempt: Promise<LaneResult>;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a rate-limited endpoint's requests at their slots (on `clock`, the one the claims' slots were
 * moved onto), at least an interval apart in this process
 * (timers fire late on a busy machine, and several overdue ones firing together would send a burst).
 * A request that cannot start soon after its slot (an interval, at least 50 ms) does not start at all (false): pushed
 * further, a late process would drift into the slots another process was given and send beside it.
 * Its job goes back to the queue for a new slot.
 */
export function createPacer(clock: () => number = Date.now) {
  const lastStart = new Map<string, number>();
  return async function waitForSlot(endpointId: string, slotAt: Date, intervalMs: number): Promise<boolean> {
    const latest = slotAt.getTime() + Math.max(intervalMs, throttleSettings.lateToleranceMs);
    for (;;) {
      const earliest = Math.max(slotAt.getTime(), (lastStart.get(endpointId) ?? -Infinity) + intervalMs);
      if (earliest > latest || clock() > latest) return false;
      const wait = earliest - clock();
      if (wait <= 0) break;
      await sleep(wait);
    }
    lastStart.set(endpointId, clock());
    // Endpoints come and go; a start older than any interval says nothing any more.
    if (lastStart.size > 10_000) {
      const old = clock() - 60_000;
      for (const [id, at] of lastStart) if (at < old) lastStart.delete(id);
    }
    return true;
  };
}

export type Pacer = ReturnType<typeof createPacer>;

/**
 * Runs a batch's lanes: each sends its jobs one after another, a rate-limited job at its slot. `stop()`
 * ends the lanes without a rate limit: they take no other job, so a queued one is left for the caller
 * to defer, and one already taken finishes on its own. Rate-limited lanes send every job they were given.
 */
export function runLanes(
  lanes: Lane[],
  { send, pacer }: { send: (item: LaneItem) => Promise<AttemptRecord>; pacer: Pacer },
) {
  let stopped = false;
  const items: LaneItemRun[] = [];
  for (const lane of lanes) {
    const runs = lane.items.map((item) => {
      let start!: () => void;
      const started = new Promise<void>((resolve) => (start = resolve));
      const run: LaneItemRun = {
        ...item,
        lane,
        state: 'queued',
        attempt: started.then(async (): Promise<LaneResult> => {
          if (item.slotAt && lane.intervalMs !== null) {
            run.state = 'pacing';
            if (!(await pacer(lane.endpointId, item.slotAt, lane.intervalMs))) return { missedSlot: true } as const;
          }
          run.state = 'sending';
          return send(item);
        }),
      };
      return { run, start };
    });
    items.push(...runs.map((r) => r.run));
    void (async () => {
      for (const { run, start } of runs) {
        // A rate-limited lane goes on: its jobs hold slots no other job can take.
        if (stopped && lane.intervalMs === null) return;
        run.state = 'sending';
        start();
        // A failed attempt is the batch's to report (waitForBatch rejects); the lane just ends.
        const ok = await run.attempt.then(
          () => true,
          () => false,
        );
        run.state = 'done';
        if (!ok) return;
      }
    })();
  }
  return {
    items,
    /**
     * Jobs waiting for their lane or their slot: the batch does not wait for them. When it stops, the
     * first are deferred and the second, already given a slot, go on detached.
     */
    waiting: () => items.reduce((n, item) => (item.state === 'queued' || item.state === 'pacing' ? n + 1 : n), 0),
    stop: () => void (stopped = true),
  };
}
