import {
  CommitOutcomeUnknownError,
  DatabaseUnreachableError,
  isDatabaseUnavailable,
  transactionWithKnownOutcome,
  type Database,
  type DatabaseAvailability,
} from '@hookline/db';
import { storeEventsOfApps, type EventToStore, type QueueClient, type StoredEvent } from '@hookline/pipeline';

/**
 * Group commit for single publishes. A publish on its own pays for a transaction (BEGIN, its
 * statements, COMMIT, each a round trip, and a WAL flush) to store one row; batch publishes store a
 * thousand for about the same. So single publishes that arrive while groups are committing (at most
 * `maxConcurrentGroups`) wait for one to finish and then go together: one transaction, the multi-row statements of `storeEvents`. Each caller is
 * answered only after that commit, as before. For ordering keys (docs/ordering.md) the publish order is
 * the commit order, and within a group the member order (arrival order, sorted by application and
 * idempotency key; see takeGroup).
 *
 * A group that fails is taken apart: every member is stored again in a transaction of its own, so one
 * bad publish (an unknown application, a payload PostgreSQL refuses) never fails its neighbours, and
 * each caller gets its own answer. Only a lost commit is answered for the whole group: its outcome is
 * unknown for every member, and each is told so; and so is a database that cannot be reached, which no
 * member caused.
 *
 * Publishes waiting for the next group are refused at once when the database becomes unreachable, as
 * the connection gate refuses the statements waiting for a connection: a group stuck on a dead
 * connection must not hold every later publish until it gives up.
 */
export type PublishGroups = {
  store(appId: string, event: EventToStore & { id: string }): Promise<StoredEvent>;
};

type Member = {
  appId: string;
  event: EventToStore & { id: string };
  resolve: (stored: StoredEvent) => void;
  reject: (error: unknown) => void;
};

/**
 * The most publishes one group takes: a few hundred rows keep the transaction short (it holds the
 * rows' locks, and its members wait for it), while at 32 callers a group is rarely larger than 32.
 */
const maxGroupSize = 256;

/**
 * Groups committing at once. More than one, so a group held up (a slow disk flush, a connection
 * that died under it) does not hold every publish behind it; few, so the publishes of a busy moment
 * still gather into large groups while these commit.
 */
const maxConcurrentGroups = 4;

export function createPublishGroups({
  db,
  boss,
  availability,
}: {
  db: Database;
  boss: QueueClient;
  availability: DatabaseAvailability;
}): PublishGroups {
  const waiting: Member[] = [];
  let committing = 0;
  let scheduled = false;

  availability.onChange((reachable) => {
    if (reachable) return;
    for (const member of waiting.splice(0)) member.reject(unreachable());
  });

  const startGroups = () => {
    scheduled = false;
    while (waiting.length > 0 && committing < maxConcurrentGroups) {
      committing++;
      void commitGroup(takeGroup(waiting)).finally(() => {
        committing--;
        startGroups();
      });
    }
  };

  const commitGroup = async (group: Member[]) => {
    try {
      const stored = await storeGroup(group);
      group.forEach((member, i) => member.resolve(stored[i]!));
    } catch (error) {
      if (group.length === 1 || error instanceof CommitOutcomeUnknownError || isDatabaseUnavailable(error)) {
        for (const member of group) member.reject(error);
        return;
      }
      // Which member made it fail is not known: each is stored on its own, its result its own.
      // (Concurrent with other groups, so a member's key may meet a neighbour's: storeEvents answers
      // such a race as a duplicate, as it did for two single publishes.)
      await Promise.all(group.map((member) => commitGroup([member])));
    }
  };

  /**
   * One transaction; `storeEventsOfApps` takes each application's members at once, in group order, and
   * creates every delivery of the group together.
   */
  const storeGroup = (group: Member[]) =>
    transactionWithKnownOutcome(db, async (tx) => {
      const byApp = new Map<string, number[]>();
      group.forEach((member, i) => {
        const indexes = byApp.get(member.appId);
        if (indexes) indexes.push(i);
        else byApp.set(member.appId, [i]);
      });
      const apps = [...byApp];
      const results = await storeEventsOfApps(
        tx,
        boss,
        apps.map(([appId, indexes]) => ({ appId, items: indexes.map((i) => group[i]!.event) })),
      );
      const stored: StoredEvent[] = [];
      apps.forEach(([, indexes], a) => indexes.forEach((memberIndex, i) => (stored[memberIndex] = results[a]![i]!)));
      return stored;
    });

  return {
    store: (appId, event) =>
      new Promise<StoredEvent>((resolve, reject) => {
        if (!availability.reachable) return reject(unreachable());
        waiting.push({ appId, event, resolve, reject });
        // The first publish of a quiet moment waits only for the publishes of the same turn of the event
        // loop; later ones gather while the groups before them commit.
        if (!scheduled && committing < maxConcurrentGroups) {
          scheduled = true;
          setImmediate(startGroups);
        }
      }),
  };
}

/**
 * The next group, in arrival order. A publish whose idempotency key is already in the group waits for
 * the next one: it must find the first event stored and be answered as its duplicate, exactly as when
 * it came alone. Members are sorted by application and key, so two API processes inserting
 * overlapping keys take their locks in the same order rather than deadlocking.
 */
function takeGroup(waiting: Member[]): Member[] {
  const group: Member[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < waiting.length && group.length < maxGroupSize;) {
    const member = waiting[i]!;
    const key =
      member.event.idempotencyKey === undefined ? undefined : `${member.appId} ${member.event.idempotencyKey}`;
    if (key !== undefined && keys.has(key)) {
      i++;
      continue;
    }
    if (key !== undefined) keys.add(key);
    group.push(member);
    waiting.splice(i, 1);
  }
  // Code-unit order, not the locale's: every process must sort the same way.
  const order = (m: Member) => `${m.appId} ${m.event.idempotencyKey ?? ''}`;
  return group.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

const unreachable = () =>
  new DatabaseUnreachableError('DATABASE_UNREACHABLE', 'the database is unreachable (a probe is waiting for it)');
