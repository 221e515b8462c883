import { storeEvents, type StoredEvent } from '@hookline/pipeline';
import { CommitOutcomeUnknownError, newId, transactionWithKnownOutcome } from '@hookline/db';
import { formatPath, validateEventData } from '@hookline/schema';
import type { Principal } from '../auth/principal';
import type { ApiDeps } from '../context';
import { AppError, maxListedIssues, notFound, validationError, type ValidationIssue } from '../errors';
import { assertCanAccessApp } from '../auth/scope';
import { isForeignKeyViolation } from '../database-errors';

function withoutPath(message: string, path: (string | number)[]): string {
  const prefix = `${formatPath(path)}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

type EventToPublish = { type: string; version: string; data: unknown; idempotencyKey?: string; orderingKey?: string };

type PublishedEvent = StoredEvent & { warnings: string[] };

/**
 * Validates events, then stores and fans them out in one transaction: the events,
 * one delivery per subscribed endpoint, and one pg-boss job per delivery commit together or not at all.
 * `pathPrefix` lets a batch name the failing item (`events.3.data.amount`).
 */
export async function publishEvents(
  deps: ApiDeps,
  principal: Principal,
  {
    appId,
    items,
    pathPrefix,
  }: { appId: string; items: EventToPublish[]; pathPrefix: (index: number) => (string | number)[] },
): Promise<PublishedEvent[]> {
  // Whether the application exists is left to the events' foreign key, inside the transaction: one
  // query fewer on the hottest path (publishing), with the same 404.
  assertCanAccessApp(principal, appId);

  // Only the first issues are kept (an error answer stays small); the rest are counted.
  const issues: ValidationIssue[] = [];
  let issueCount = 0;
  const validated = items.map((item, index) => {
    const result = validateEventData(item.type, item.version, item.data);
    if (!result.ok) {
      issueCount += result.issues.length;
      // The schema names the field in its messages; the 400 names it once, with the batch index in front.
      for (const i of result.issues.slice(0, maxListedIssues - issues.length)) {
        issues.push({ path: [...pathPrefix(index), ...i.path], message: withoutPath(i.message, i.path) });
      }
      return null;
    }
    return { ...item, data: result.data, deprecated: result.deprecated };
  });
  if (issueCount > 0) throw validationError(issues, issueCount);
  const ready = validated as NonNullable<(typeof validated)[number]>[];

  const keys = ready.map((e) => e.idempotencyKey).filter((k): k is string => k !== undefined);
  if (new Set(keys).size !== keys.length) {
    throw new AppError('validation', 'idempotencyKey: the same key appears twice in one batch');
  }

  // Ids are made before the transaction: if the connection is lost while it commits, the caller is
  // told which events may exist, to look up (or to publish again under the same idempotency key).
  const ids = ready.map(() => newId('evt'));
  const toStore = ready.map(({ type, version, data, idempotencyKey, orderingKey }, i) => ({
    type,
    version,
    data,
    idempotencyKey,
    orderingKey,
    id: ids[i]!,
  }));
  // A single publish commits with the others arriving at the same time (publish-groups.ts); a batch
  // is a group already.
  const stored = await (
    toStore.length === 1
      ? deps.publishGroups.store(appId, toStore[0]!).then((event) => [event])
      : transactionWithKnownOutcome(deps.db, (tx) => storeEvents(tx, deps.boss, { appId, items: toStore }))
  ).catch((error: unknown) => {
    if (error instanceof CommitOutcomeUnknownError) throw outcomeUnknown(ids, keys.length > 0);
    throw isForeignKeyViolation(error, 'events_app_id_applications_id_fk') ? notFound('application', appId) : error;
  });
  countPublished(
    deps,
    ready.filter((_, i) => !stored[i]!.duplicate),
  );
  return stored.map((event, i) => ({
    ...event,
    warnings: ready[i]!.deprecated
      ? [
          `${ready[i]!.type} ${ready[i]!.version} is deprecated; eventTypes.get({ type: '${ready[i]!.type}' }) shows the versions to publish instead`,
        ]
      : [],
  }));
}

/**
 * Counts the events stored by type, one increment per type: an idempotent repeat (`duplicate`) stored
 * nothing new, so it is not counted again.
 */
function countPublished(deps: ApiDeps, events: { type: string }[]) {
  if (!deps.metrics.enabled) return;
  const byType = new Map<string, number>();
  for (const { type } of events) byType.set(type, (byType.get(type) ?? 0) + 1);
  for (const [type, count] of byType) deps.metrics.eventsPublished(type, count);
}

/**
 * The 503 for a publish whose COMMIT was sent but never answered: the events may be stored (and then
 * delivered) or not. It names their ids, so the caller can look them up rather than guess.
 */
function outcomeUnknown(ids: string[], withKeys: boolean): AppError {
  const which = ids.length === 1 ? `event ${ids[0]}` : `events ${ids.join(', ')}`;
  return new AppError(
    'unavailable',
    `the database connection was lost while the publish was committing, so the outcome is unknown: ${which} ` +
      `may or may not have been stored. Look it up with events.get, or ` +
      (withKeys
        ? 'publish again with the same idempotency key (a stored event is answered, not duplicated)'
        : 'publish again with an idempotency key next time, so that retrying cannot store it twice'),
  );
}
