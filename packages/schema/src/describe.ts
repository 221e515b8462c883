import { z } from 'zod';
import { eventCatalog } from './catalog';
import { convertibleVersions } from './convert';
import { lookupVersions, sortedVersions } from './define';

export interface EventVersionDescription {
  version: string;
  description: string;
  deprecated: boolean;
  jsonSchema: Record<string, unknown>;
  example: unknown;
  /** Versions this version's data can be converted to (older ones always; newer ones where lossless). */
  convertsTo: string[];
}

export interface EventTypeDescription {
  type: string;
  /** The newest version's description: what a new integration should read. */
  description: string;
  /** Oldest first. */
  versions: EventVersionDescription[];
}

/** The catalog as data, for the API's event-type listing and for generated JSON Schema files. */
export function listEventTypes(): EventTypeDescription[] {
  return Object.keys(eventCatalog)
    .sort()
    .map((type) => getEventType(type)!);
}

export function getEventType(type: string): EventTypeDescription | undefined {
  const versions = lookupVersions(eventCatalog, type);
  if (!versions) return undefined;
  const described = sortedVersions(versions).map((version): EventVersionDescription => {
    const definition = versions[version]!;
    return {
      version,
      description: definition.description,
      deprecated: definition.deprecated,
      jsonSchema: z.toJSONSchema(definition.schema),
      example: definition.example,
      convertsTo: convertibleVersions(eventCatalog, type, version),
    };
  });
  return { type, description: described.at(-1)!.description, versions: described };
}
