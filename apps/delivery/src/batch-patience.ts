/**
 * How long a batch waits for its slowest requests before leaving them to finish on their own
 * ("detached"). A batch settles its jobs together, so without this one hanging endpoint would hold
 * every batch it appears in for the whole request timeout, and with it every healthy endpoint.
 */
export const batchPatience = {
  // Once this share of the batch is done, the rest get `graceMs` more; healthy receivers on one
  // network answer within a few milliseconds of each other.
  quorum: 0.9,
  graceMs: 100,
  // However slow everyone is, the batch moves on after this long.
  maxWaitMs: 2_000,
} as const;

/**
 * Resolves with which of `attempts` had finished when the batch stopped waiting: all of them, or
 * the quorum plus a grace period, or whatever was done at the cap. Rejects if a finished one failed.
 */
export function waitForBatch(
  attempts: readonly Promise<unknown>[],
  { quorum, graceMs, maxWaitMs }: { quorum: number; graceMs: number; maxWaitMs: number } = batchPatience,
): Promise<boolean[]> {
  const done = attempts.map(() => false);
  if (attempts.length === 0) return Promise.resolve(done);
  return new Promise((resolve, reject) => {
    let finished = 0;
    let graceTimer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(graceTimer);
      clearTimeout(capTimer);
      resolve([...done]);
    };
    const capTimer = setTimeout(settle, maxWaitMs);
    attempts.forEach((attempt, i) =>
      attempt.then(
        () => {
          done[i] = true;
          finished++;
          if (finished === attempts.length) settle();
          else if (!graceTimer && finished >= quorum * attempts.length) graceTimer = setTimeout(settle, graceMs);
        },
        (error: unknown) => {
          clearTimeout(graceTimer);
          clearTimeout(capTimer);
          reject(error);
        },
      ),
    );
  });
}
