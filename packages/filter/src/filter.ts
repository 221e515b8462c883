/**
 * The filter language's parsed form. A stored filter is JSON (see README.md); parseFilter turns it
 * into this tree once, and evaluateFilter walks the tree for every event.
 */

/** A value a field is compared with. Objects and arrays are not compared whole: name their fields. */
export type Scalar = string | number | boolean | null;

export type FieldTest =
  | { op: '$eq' | '$ne'; value: Scalar }
  | { op: '$in' | '$nin'; values: Scalar[] }
  | { op: '$gt' | '$gte' | '$lt' | '$lte'; value: number | string }
  | { op: '$exists'; value: boolean };

export type FilterNode =
  | { kind: 'and'; all: FilterNode[] }
  | { kind: 'or'; any: FilterNode[] }
  | { kind: 'not'; node: FilterNode }
  /** `path` as written, `segments` split on dots, `at` where it stands in the filter (for messages). */
  | { kind: 'field'; path: string; segments: string[]; at: string[]; test: FieldTest };

export const fieldOperators = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists'] as const;
export const logicalOperators = ['$and', '$or', '$not'] as const;

/**
 * The top-level fields of the envelope a filter can test. `attempt` and `retryable` are left out on
 * purpose: they change from one attempt to the next, and a filter is decided once, at fan-out.
 */
export const filterableEnvelopeFields = ['id', 'timestamp', 'event', 'version', 'data'] as const;

/**
 * Limits, so that a filter stays cheap at fan-out (it runs for every event against every endpoint of
 * the application) and small on the endpoint's row. Every one is checked when the filter is saved.
 */
export const filterLimits = {
  /** The filter's JSON text, in bytes: room for a few dozen conditions. */
  maxBytes: 4096,
  /** Nesting of conditions ($and/$or/$not inside each other, counting the top level). */
  maxDepth: 6,
  /** Field tests and logical operators together: bounds the work per event. */
  maxNodes: 64,
  /** Values in one $in or $nin list. */
  maxListValues: 100,
  /** Segments in a dotted path (`data.items.0.productId` has four). */
  maxPathSegments: 10,
  /** Characters in a dotted path. */
  maxPathLength: 256,
} as const;
