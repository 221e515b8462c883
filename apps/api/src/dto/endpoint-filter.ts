import { filterLimits, parseFilter } from '@hookline/filter';
import { z } from 'zod';

/**
 * A payload filter as a caller sends it. Its syntax and limits are checked here, so a 400 names the
 * place (`filter.$or.0.data.amount.$gtx`); whether its paths and values fit the events the endpoint
 * receives depends on the endpoint's types and pins, and is checked by the service.
 */
export const EndpointFilter = z
  .record(z.string(), z.unknown())
  .superRefine((filter, ctx) => {
    const parsed = parseFilter(filter);
    if (!parsed.ok) for (const issue of parsed.issues) ctx.addIssue({ code: 'custom', ...issue });
  })
  .describe(
    'Which events this endpoint receives beyond its types: conditions on the envelope (id, timestamp, event, version, data.…), ' +
      'e.g. {"data.status": {"$in": ["shipped", "delivered"]}, "data.amount": {"$gte": 100}}. ' +
      `Operators: equality, $eq, $ne, $in, $nin, $gt, $gte, $lt, $lte, $exists, $and, $or, $not. At most ${filterLimits.maxBytes} bytes, ` +
      `${filterLimits.maxDepth} levels and ${filterLimits.maxNodes} conditions. null: every event of the subscribed types.`,
  );

export const EndpointFilterShown = z
  .record(z.string(), z.unknown())
  .nullable()
  .describe('The payload filter (see endpoints.create); null lets every event of the subscribed types through.');

/** A stored filter as the API shows it: an object, or null. */
export function toFilterDto(stored: unknown): Record<string, unknown> | null {
  return stored !== null && typeof stored === 'object' && !Array.isArray(stored)
    ? (stored as Record<string, unknown>)
    : null;
}
