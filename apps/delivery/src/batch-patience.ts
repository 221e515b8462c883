/**
 * How long a batch waits for its slowest requests before leaving them to finish on their own
 * ("detached"). A batch settles its jobs together, so without this one hanging endpoint would hold
 * every batch it appears in for the whole request timeout, and with it every healthy endpoint.
 */
export const batchPatience = {
  // Once this share of the batch is done, the rest get `graceMs` more after each request that
  // finishes; healthy receivers on one network answer within a few milliseconds of each other.
  quorum: 0.9,
  graceMs: 100,
  // However slow everyone is, the batch moves on after this long.
  maxWaitMs: 2_000,
} as const;

export type WaitOptions = {
  /** How many jobs of the batch wait for their lane or slot (see send-lanes.ts): they count as done. */
  waiting?: () => number;
  /** Called the moment the batch stops waiting, before anything else can start. */
  onSettle?: () => void;
};

/**
 * Resolves with which of `attempts` had finished when the batch stopped waiting: all of them, or
 * the quorum plus a grace period since the last one finished (so lanes that keep finishing requests
 * keep the batch, and a lane stuck on a slow receiver does not), or whatever was done at the cap.
 * Rejects if a finished one failed.
 */
export function waitForBatch(
  attempts: readonly Promise<unknown>[],
  { quorum, graceMs, maxWaitMs }: { quorum: number; graceMs: number; maxWaitMs: number } = batchPatience,
  { waiting = () => 0, onSettle }: WaitOptions = {},
): Promise<boolean[]> {
  const done = attempts.map(() => false);
  if (attempts.length === 0) {
    onSettle?.();
    return Promise.resolve(done);
  }
  return new Promise((resolve, reject) => {
    let finished = 0;
    let graceTimer: NodeJS.Timeout | undefined;
    let over = false;
    const stopTimers = () => {
      over = true;
      clearTimeout(graceTimer);
      clearTimeout(capTimer);
    };
    const settle = () => {
      stopTimers();
      onSettle?.();
      resolve([...done]);
    };
    const check = () => {
      if (over) return;
      if (finished === attempts.length) return settle();
      if (finished + waiting() >= quorum * attempts.length) {
        clearTimeout(graceTimer);
        graceTimer = setTimeout(settle, graceMs);
      }
    };
    const capTimer = setTimeout(settle, maxWaitMs);
    attempts.forEach((attempt, i) =>
      attempt.then(
        () => {
          done[i] = true;
          finished++;
          check();
        },
        (error: unknown) => {
          if (over) return;
          stopTimers();
          onSettle?.();
          reject(error);
        },
      ),
    );
    check();
  });
}
