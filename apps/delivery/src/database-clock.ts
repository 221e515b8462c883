/**
 * The database's clock as this worker sees it. Rate-limit slots, slot pointers and deferred jobs' due
 * times are the database's times, while the worker starts requests and stamps attempts by its own clock,
 * which can be off from the database's (another host, a clock being stepped by time sync). Each claim
 * reads the offset across its round trip (see claim-slots.ts); times cross from one clock to the other by it.
 */
export function createDatabaseClock(local: () => number) {
  // This worker's clock minus the database's; 0 until the first claim reads it.
  let offsetMs = 0;
  return {
    /** This worker's clock, in epoch ms: the one its pacer starts requests by. */
    local,
    /** The database's clock as a statement ended, and this worker's clock on its answer. */
    observe(databaseMs: number, answeredAtMs: number) {
      offsetMs = answeredAtMs - databaseMs;
    },
    toLocal: (databaseMs: number) => databaseMs + offsetMs,
    toDatabase: (localMs: number) => localMs - offsetMs,
    /** Now, on the database's clock. */
    databaseNow: () => new Date(local() - offsetMs),
  };
}

export type DatabaseClock = ReturnType<typeof createDatabaseClock>;
