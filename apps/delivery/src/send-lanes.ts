import type { AttemptRecord } from './attempt-record';
import type { Lane, LaneItem } from './throttle-plan';

/** Where one job of a lane stands: waiting for its lane, taken (waiting for its slot or sending), or done. */
export type ItemState = 'queued' | 'taken' | 'done';

export type LaneItemRun = LaneItem & {
  lane: Lane;
  state: ItemState;
  /** Settles when the attempt is made; never settles for an item still queued when the lanes stop. */
  attempt: Promise<AttemptRecord>;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Keeps a rate-limited endpoint's request starts at least an interval apart within this process, whatever
 * its slots said: timers fire late on a busy machine, and several firing together would send a burst.
 * A start that had to wait pushes the next ones, and the recording pushes the shared slot pointer after it.
 */
export function createPacer() {
  const lastStart = new Map<string, number>();
  return async function waitForSlot(endpointId: string, slotAt: Date, intervalMs: number): Promise<void> {
    for (;;) {
      const earliest = Math.max(slotAt.getTime(), (lastStart.get(endpointId) ?? -Infinity) + intervalMs);
      const wait = earliest - Date.now();
      if (wait <= 0) break;
      await sleep(wait);
    }
    lastStart.set(endpointId, Date.now());
    // Endpoints come and go; a start older than any interval says nothing any more.
    if (lastStart.size > 10_000) {
      const old = Date.now() - 60_000;
      for (const [id, at] of lastStart) if (at < old) lastStart.delete(id);
    }
  };
}

export type Pacer = ReturnType<typeof createPacer>;

/**
 * Runs a batch's lanes: each sends its jobs one after another, a rate-limited job at its slot. `stop()`
 * ends them: no lane takes another job, so a queued job is left for the caller to defer, and a taken
 * one finishes on its own.
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
        attempt: started.then(async () => {
          if (item.slotAt && lane.intervalMs !== null) await pacer(lane.endpointId, item.slotAt, lane.intervalMs);
          return send(item);
        }),
      };
      return { run, start };
    });
    items.push(...runs.map((r) => r.run));
    void (async () => {
      for (const { run, start } of runs) {
        if (stopped) return;
        run.state = 'taken';
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
    /** Jobs still waiting for their lane: they hold nothing, so the batch does not wait for them. */
    queued: () => items.reduce((n, item) => (item.state === 'queued' ? n + 1 : n), 0),
    stop: () => void (stopped = true),
  };
}
