import { checkFilterTypes, parseFilter, type FilterTarget } from '@hookline/filter';
import { listEventTypes, matchesEventType } from '@hookline/schema';
import { validationError } from '../errors';

type Subscription = { filter: unknown; eventTypes: string[] | null; versionPins: Record<string, string> };

// The catalog is fixed for the life of the process; its JSON Schemas are made once, when first needed.
let catalog: ReturnType<typeof listEventTypes> | undefined;

/**
 * The (type, version) pairs the endpoint can receive: every subscribed type of the catalog, at its
 * pinned version, or at every version when it is not pinned (any of them may be published).
 */
function filterTargets({ eventTypes, versionPins }: Subscription): FilterTarget[] {
  catalog ??= listEventTypes();
  return catalog
    .filter((t) => matchesEventType(eventTypes, t.type))
    .flatMap((t) => {
      const pinned = Object.hasOwn(versionPins, t.type) ? versionPins[t.type] : undefined;
      return t.versions
        .filter((v) => pinned === undefined || v.version === pinned)
        .map((v) => ({ type: t.type, version: v.version, dataSchema: v.jsonSchema }));
    });
}

/**
 * Refuses (400) a filter whose paths or values cannot fit the events the endpoint receives, naming
 * each: a path no subscribed event has, a comparison with a value of the wrong type or outside an enum.
 * Called with the endpoint's subscription as it will be after the save, since changing its types or
 * pins can make a filter that fitted wrong.
 */
export function assertFilterFitsEvents(subscription: Subscription): void {
  if (subscription.filter === null) return;
  const parsed = parseFilter(subscription.filter);
  // The input schema parsed it already; a stored filter that no longer parses is reported the same way.
  const issues = parsed.ok ? checkFilterTypes(parsed.filter, filterTargets(subscription)) : parsed.issues;
  if (issues.length > 0)
    throw validationError(issues.map((i) => ({ path: ['filter', ...i.path], message: i.message })));
}
