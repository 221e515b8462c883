import type { HooklineClient } from '@hookline/client';

export type DeadLetterFilter = { appId?: string; endpointId?: string; type?: string; since?: string; until?: string };

export type ReplaySummary = {
  /** Dead letters that matched when the replay started. */
  matched: number;
  /** Deliveries re-queued as a manual attempt. */
  replayed: number;
  /** Left in the dead-letter queue because their endpoint is disabled. */
  endpointDisabled: number;
  /** Settled by someone else (another replay, a retry) between listing and replaying them. */
  alreadyReplayed: number;
  seconds: number;
};

/**
 * Replays every waiting dead letter that matches, a page at a time: `deadLetters.list` (newest first,
 * its cursor only moving back in time) names the next `batchSize`, and `deadLetters.replay` re-queues
 * exactly those ids in one transaction, which settles them. So the replay is resumable and safe to run twice: an interrupted run leaves the rest waiting,
 * and a second run finds only dead letters still waiting. A delivery that fails again is dead-lettered
 * anew, newer than the cursor, so one run never replays it twice.
 */
export async function replayDeadLetters({
  client,
  filter,
  batchSize,
  onStart,
  onProgress,
}: {
  client: HooklineClient;
  filter: DeadLetterFilter;
  batchSize: number;
  onStart?: (matched: number) => void;
  onProgress?: (done: number, matched: number) => void;
}): Promise<ReplaySummary> {
  const started = performance.now();
  const count = await client.deadLetters.replay.mutate({ filter, dryRun: true });
  let matched = count.dryRun ? count.count : 0;
  const summary = { matched, replayed: 0, endpointDisabled: 0, alreadyReplayed: 0 };
  onStart?.(matched);
  let done = 0;
  let cursor: string | undefined;
  while (matched > 0) {
    const page = await client.deadLetters.list.query({ ...filter, limit: batchSize, cursor });
    if (page.items.length === 0) break;
    const result = await client.deadLetters.replay.mutate({ ids: page.items.map((d) => d.id) });
    if (!result.dryRun) {
      summary.replayed += result.replayed;
      summary.endpointDisabled += result.endpointDisabled;
      summary.alreadyReplayed += result.notFound.length;
    }
    done += page.items.length;
    // Dead letters that arrived after the count are replayed too; the total grows to say so.
    matched = summary.matched = Math.max(matched, done);
    onProgress?.(done, matched);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { ...summary, seconds: (performance.now() - started) / 1000 };
}
