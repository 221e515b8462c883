import postgres from 'postgres';
import { isDatabaseUnavailable } from './database-unavailable';

export type AvailabilityLog = (message: string, fields?: Record<string, unknown>) => void;

export type DatabaseAvailability = {
  /** False from a confirmed failure until a probe gets through again. */
  readonly reachable: boolean;
  /**
   * Hands over an error a statement got. One that says the database is unreachable starts a probe;
   * when the probe fails too, the database is declared unreachable (one log line) and probed until
   * it answers (one more line, with how long it was gone). Any other error is ignored.
   */
  report: (error: unknown) => void;
  /** Called on every change of `reachable`. */
  onChange: (listener: (reachable: boolean) => void) => void;
  stop: () => void;
};

export type AvailabilityOptions = {
  url: string;
  log: AvailabilityLog;
  /** Who is talking, in the log lines ("api", "delivery"). */
  label?: string;
  /** While unreachable, a probe every this often: a recovered database is noticed within it. */
  probeIntervalMs?: number;
  /** A probe that has not answered in this long has failed (a silent network drops packets, it does not refuse). */
  probeTimeoutMs?: number;
};

/**
 * Tracks whether this process can reach its database, from the errors its statements get and a
 * `select 1` on a connection of its own (the pool may be busy failing). Quiet on purpose: an outage
 * is two log lines, not one per statement, poll or queue.
 */
export function watchDatabaseAvailability({
  url,
  log,
  label,
  probeIntervalMs = 250,
  probeTimeoutMs = 1_000,
}: AvailabilityOptions): DatabaseAvailability {
  let reachable = true;
  let unreachableSince = 0;
  let probing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const listeners: ((reachable: boolean) => void)[] = [];
  const who = label ? { process: label } : {};

  const set = (value: boolean) => {
    if (value === reachable) return;
    reachable = value;
    for (const listener of listeners) listener(value);
  };

  const probeLoop = async () => {
    if (probing || stopped) return;
    probing = true;
    try {
      for (;;) {
        const error = await probe(url, probeTimeoutMs);
        if (stopped) return;
        if (error === null) {
          if (!reachable) {
            log('database reachable again', {
              ...who,
              unreachableForMs: Math.round(performance.now() - unreachableSince),
            });
          }
          set(true);
          return;
        }
        if (reachable) {
          unreachableSince = performance.now();
          log('database unreachable; answering 503 and retrying until it is back', {
            ...who,
            error: error instanceof Error ? error.message : String(error),
          });
          set(false);
        }
        await new Promise((resolve) => (timer = setTimeout(resolve, probeIntervalMs)));
      }
    } finally {
      probing = false;
    }
  };

  return {
    get reachable() {
      return reachable;
    },
    report: (error) => {
      if (isDatabaseUnavailable(error)) void probeLoop();
    },
    onChange: (listener) => void listeners.push(listener),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** null when `select 1` answered within the timeout on a fresh connection, else why not. */
async function probe(url: string, timeoutMs: number): Promise<unknown> {
  const sql = postgres(url, {
    max: 1,
    connect_timeout: timeoutMs / 1000,
    fetch_types: false,
    prepare: false,
    connection: { application_name: 'hookline-probe' },
    onnotice: () => {},
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return null;
  } catch (error) {
    return error ?? new Error('probe failed');
  } finally {
    clearTimeout(timer);
    void sql.end({ timeout: 0 }).catch(() => {});
  }
}
