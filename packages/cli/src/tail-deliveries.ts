import type { HooklineClient } from '@hookline/client';
import type { Attempt, Delivery, DeliveryWithAttempts } from './delivery-format';

/** What `deliveries tail` reports, in order. */
export type TailEvent =
  { kind: 'delivery'; delivery: Delivery } | { kind: 'attempt'; delivery: DeliveryWithAttempts; attempt: Attempt };

// Deliveries are committed in roughly, not exactly, id order (a publish's transaction may commit after a
// later one's): every poll looks this far back behind the newest delivery seen, so none is skipped.
const lookBackMs = 30_000;
// Attempts are followed for this many open deliveries at a time (one `deliveries.get` each when due).
const maxFollowed = 50;
const pageSize = 250;

// Crockford base32, as ids are written: the first 10 characters after the prefix are milliseconds.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function idTime(id: string): number {
  const time = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let ms = 0;
  for (const char of time) ms = ms * 32 + alphabet.indexOf(char);
  return ms;
}

/**
 * Follows deliveries created after it started, and the attempts each makes, until `signal` aborts.
 * It polls `deliveries.list` (newest first) back to `lookBackMs` behind the newest delivery seen, and
 * `deliveries.get` for followed deliveries whose next attempt is due. `appId` filters on the client
 * side, because the list filters by event, endpoint and status only.
 */
export async function tailDeliveries({
  client,
  appId,
  intervalMs,
  signal,
  onEvent,
  onReady,
}: {
  client: HooklineClient;
  appId?: string;
  intervalMs: number;
  signal: AbortSignal;
  onEvent: (event: TailEvent) => void;
  onReady?: () => void;
}): Promise<void> {
  const seen = new Map<string, number>(); // id → its time, for pruning
  const followed = new Map<string, { attemptsShown: number; dueAt: number }>();
  let newest = 0;

  const poll = async (report: boolean) => {
    let cursor: string | undefined;
    for (;;) {
      const page = await client.deliveries.list.query({ limit: pageSize, cursor });
      for (const delivery of page.items) {
        const time = idTime(delivery.id);
        if (seen.has(delivery.id) || time < newest - lookBackMs) continue;
        seen.set(delivery.id, time);
        if (!report || (appId && delivery.appId !== appId)) continue;
        onEvent({ kind: 'delivery', delivery });
        if (followed.size < maxFollowed) followed.set(delivery.id, { attemptsShown: 0, dueAt: 0 });
      }
      const oldest = page.items.at(-1);
      newest = Math.max(newest, ...page.items.map((d) => idTime(d.id)));
      if (!page.nextCursor || !oldest || idTime(oldest.id) < newest - lookBackMs) break;
      cursor = page.nextCursor;
    }
    for (const [id, time] of seen) if (time < newest - 2 * lookBackMs) seen.delete(id);
  };

  const followAttempts = async () => {
    const now = Date.now();
    for (const [id, state] of followed) {
      if (state.dueAt > now) continue;
      const delivery = await client.deliveries.get.query({ deliveryId: id });
      for (const attempt of delivery.attempts.slice(state.attemptsShown))
        onEvent({ kind: 'attempt', delivery, attempt });
      state.attemptsShown = delivery.attempts.length;
      if (delivery.status !== 'pending') followed.delete(id);
      // A retry scheduled minutes away need not be asked about every second.
      else state.dueAt = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : 0;
    }
  };

  await poll(false);
  onReady?.();
  while (!signal.aborted) {
    await sleep(intervalMs, signal);
    if (signal.aborted) break;
    await poll(true);
    await followAttempts();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
