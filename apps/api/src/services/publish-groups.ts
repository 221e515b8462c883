import { CommitOutcomeUnknownError, transactionWithKnownOutcome, type Database } from '@hookline/db';
import { storeEvents, type EventToStore, type QueueClient, type StoredEvent } from '@hookline/pipeline';

/**
 * Group commit for single publishes. A publish on its own pays for a transaction (BEGIN, its
 * statements, COMMIT, each a round trip, and a WAL flush) to store one row; batch publishes store a
 * thousand for about the same. So single publishes that arrive while a group is committing wait for it
 * and then go together: one transaction, the multi-row statements of `storeEvents`. Each caller is
 * answered only after that commit, as before.
 *
 * A group that fails is taken apart: every member is stored again in a transaction of its own, so one
 * bad publish (an unknown application, a payload PostgreSQL refuses) never fails its neighbours, and
 * each caller gets its own answer. Only a lost commit is answered for the whole group: its outcome is
 * unknown for every member, and each is told so.
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

export function createPublishGroups({ db, boss }: { db: Database; boss: QueueClient }): PublishGroups {
  const waiting: Member[] = [];
  let committing = false;

  const flush = async () => {
    committing = true;
    try {
      while (waiting.length > 0) await commitGroup(takeGroup(waiting));
    } finally {
      committing = false;
    }
  };

  const commitGroup = async (group: Member[]) => {
    try {
      const stored = await storeGroup(group);
      group.forEach((member, i) => member.resolve(stored[i]!));
    } catch (error) {
      if (group.length === 1 || error instanceof CommitOutcomeUnknownError) {
        for (const member of group) member.reject(error);
        return;
      }
      // Which member made it fail is not known: each is stored on its own, its result its own.
      await Promise.all(group.map((member) => commitGroup([member])));
    }
  };

  /** One transaction; one `storeEvents` per application, whose statements take all its members at once. */
  const storeGroup = (group: Member[]) =>
    transactionWithKnownOutcome(db, async (tx) => {
      const byApp = new Map<string, number[]>();
      group.forEach((member, i) => byApp.set(member.appId, [...(byApp.get(member.appId) ?? []), i]));
      const stored: StoredEvent[] = [];
      for (const [appId, indexes] of byApp) {
        const results = await storeEvents(tx, boss, { appId, items: indexes.map((i) => group[i]!.event) });
        indexes.forEach((memberIndex, i) => (stored[memberIndex] = results[i]!));
      }
      return stored;
    });

  return {
    store: (appId, event) =>
      new Promise<StoredEvent>((resolve, reject) => {
        waiting.push({ appId, event, resolve, reject });
        // The first publish of a quiet moment waits only for the publishes of the same turn of the event
        // loop; later ones gather while a group commits.
        if (!committing) {
          committing = true;
          setImmediate(() => void flush());
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
