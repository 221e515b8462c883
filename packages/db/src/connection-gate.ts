import type { Sql } from 'postgres';
import type { DatabaseAvailability } from './availability';
import { DatabaseUnreachableError } from './database-unavailable';

/**
 * A bound on how long a statement or transaction may wait for a connection, in front of postgres.js
 * (whose own queue waits as long as reconnecting takes, and cannot drop a waiting query safely).
 * At most `slots` statements and transactions run at once, the pool's size, so postgres.js hardly
 * queues; the rest wait here, where waiting can end:
 *
 * - after `waitMs` (a per-request deadline: the caller gets a 503 instead of being held);
 * - at once, while the database is known to be unreachable, and for everyone already waiting when
 *   that becomes known.
 *
 * A waiter that gives up has sent nothing, so nothing of it can commit later. Every failure is
 * reported to `availability`, which is how an outage becomes known.
 */
export function gateClient(
  sql: Sql,
  { slots, waitMs, availability }: { slots: number; waitMs: number; availability: DatabaseAvailability },
): Sql {
  let running = 0;
  const waiting = new Set<{ grant: () => void; refuse: (error: Error) => void }>();

  availability.onChange((reachable) => {
    if (reachable) return;
    for (const waiter of waiting) waiter.refuse(unreachable());
  });

  const acquire = () =>
    new Promise<void>((resolve, reject) => {
      if (!availability.reachable) return reject(unreachable());
      if (running < slots && waiting.size === 0) {
        running++;
        return resolve();
      }
      const timer = Number.isFinite(waitMs)
        ? setTimeout(
            () =>
              waiter.refuse(
                new DatabaseUnreachableError(
                  'CONNECTION_WAIT_TIMEOUT',
                  `no database connection became free within ${waitMs} ms`,
                ),
              ),
            waitMs,
          )
        : undefined;
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          waiting.delete(waiter);
          running++;
          resolve();
        },
        refuse: (error: Error) => {
          clearTimeout(timer);
          waiting.delete(waiter);
          reject(error);
        },
      };
      waiting.add(waiter);
    });

  const release = () => {
    running--;
    const next = waiting.values().next();
    if (!next.done) next.value.grant();
  };

  const run = async <T>(work: () => PromiseLike<T>): Promise<T> => {
    await acquire();
    try {
      return await work();
    } catch (error) {
      availability.report(error);
      throw error;
    } finally {
      release();
    }
  };

  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'begin') {
        return (...args: Parameters<Sql['begin']>) => run(() => target.begin(...args));
      }
      if (property === 'unsafe') {
        return (...args: Parameters<Sql['unsafe']>) => new GatedQuery(run, () => target.unsafe(...args));
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

const unreachable = () =>
  new DatabaseUnreachableError('DATABASE_UNREACHABLE', 'the database is unreachable (a probe is waiting for it)');

/**
 * What `unsafe()` returns through the gate: postgres.js starts a query when it is awaited, so this
 * stands in for it, keeps `.values()` (the one modifier Drizzle uses) and starts it once a slot is free.
 */
class GatedQuery<T> implements PromiseLike<T> {
  private asValues = false;
  constructor(
    private readonly run: <R>(work: () => PromiseLike<R>) => Promise<R>,
    private readonly start: () => ReturnType<Sql['unsafe']>,
  ) {}
  values(): this {
    this.asValues = true;
    return this;
  }
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run(() => {
      const query = this.start();
      return (this.asValues ? query.values() : query) as unknown as PromiseLike<T>;
    }).then(onFulfilled, onRejected);
  }
}
