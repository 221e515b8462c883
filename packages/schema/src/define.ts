import type { z } from 'zod';

/**
 * Versions are `major.minor`. Both numbers matter only for ordering and for humans: a minor bump says
 * "added something", a major bump says "reshaped something". Either way it is a new, separately
 * validated schema, because a published version is never edited.
 */
export const VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Dotted lowercase `resource.action` (at least two segments), e.g. `order.created`, `order.item.added`. */
export const EVENT_TYPE_SEGMENT = '[a-z][a-z0-9_]*';
export const EVENT_TYPE_PATTERN = new RegExp(`^${EVENT_TYPE_SEGMENT}(\\.${EVENT_TYPE_SEGMENT})+$`);

/**
 * One published (type, version): its schema, an example that must validate, and the conversions to the
 * version before it. Conversions are methods (not arrow-typed properties) so that a definition with a
 * precise data type still fits where any definition is expected.
 */
export interface EventVersionDefinition<
  TType extends string = string,
  TVersion extends string = string,
  TSchema extends z.ZodType = z.ZodType,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any predecessor definition; `unknown` would not accept them
  TPrevious = any,
> {
  readonly type: TType;
  readonly version: TVersion;
  readonly description: string;
  readonly schema: TSchema;
  readonly example: z.output<TSchema>;
  readonly deprecated: boolean;
  /** Rewrites this version's data into the previous version's shape; required for every version but the first. */
  toPrevious?(data: z.output<TSchema>): TPrevious;
  /** Rewrites the previous version's data into this shape; register it only when nothing has to be invented. */
  fromPrevious?(data: TPrevious): z.output<TSchema>;
}

/** The catalog's shape: type → version → definition. The concrete catalog keeps its literal keys. */
export type EventCatalogShape = { readonly [type: string]: EventVersionMap };
export type EventVersionMap = { readonly [version: string]: EventVersionDefinition };

export function defineEventVersion<
  const TType extends string,
  const TVersion extends string,
  TSchema extends z.ZodType,
  TPrevious = unknown,
>(definition: {
  type: TType;
  version: TVersion;
  description: string;
  schema: TSchema;
  example: z.output<NoInfer<TSchema>>;
  deprecated?: boolean;
  toPrevious?: (data: z.output<NoInfer<TSchema>>) => TPrevious;
  fromPrevious?: (data: TPrevious) => z.output<NoInfer<TSchema>>;
}): EventVersionDefinition<TType, TVersion, TSchema, TPrevious> {
  return { ...definition, deprecated: definition.deprecated ?? false };
}

/** Orders `major.minor` strings numerically, so 1.10 comes after 1.9. */
function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

export function sortedVersions(versions: EventVersionMap): string[] {
  return Object.keys(versions).sort(compareVersions);
}

/** Own keys only: a type named `constructor` or `__proto__` must not find Object.prototype's members. */
export function lookupVersions(catalog: EventCatalogShape, type: string): EventVersionMap | undefined {
  return Object.hasOwn(catalog, type) ? catalog[type] : undefined;
}

export function lookupVersion(
  catalog: EventCatalogShape,
  type: string,
  version: string,
): EventVersionDefinition | undefined {
  const versions = lookupVersions(catalog, type);
  return versions && Object.hasOwn(versions, version) ? versions[version] : undefined;
}
