import { z } from 'zod';

/**
 * Bounds of an endpoint's delivery limits. 0.1/s is one request every 10 s, the slowest pace the
 * throttle keeps well (its deferrals are a few seconds apart); 1,000 requests at once is more than a
 * single receiver should be asked to take from one sender, and bounds the leases kept per endpoint.
 */
export const endpointLimits = {
  minRateLimit: 0.1,
  maxRateLimit: 10_000,
  defaultMaxInFlight: 10,
  maxMaxInFlight: 1_000,
} as const;

export const RateLimit = z
  .number()
  .min(endpointLimits.minRateLimit, { message: `must be at least ${endpointLimits.minRateLimit} requests per second` })
  .max(endpointLimits.maxRateLimit, { message: `must be at most ${endpointLimits.maxRateLimit} requests per second` })
  .describe(
    `Requests per second this endpoint receives at most, over every worker together (${endpointLimits.minRateLimit}–${endpointLimits.maxRateLimit}, ` +
      'fractions allowed). null: no rate limit. Deliveries over the limit wait; they are not failed.',
  );

export const MaxInFlight = z
  .number()
  .int({ message: 'must be a whole number of requests' })
  .min(1, { message: 'must be at least 1 request' })
  .max(endpointLimits.maxMaxInFlight, { message: `must be at most ${endpointLimits.maxMaxInFlight} requests` })
  .describe(
    `Requests to this endpoint running at once at most, over every worker together (1–${endpointLimits.maxMaxInFlight}, ` +
      `default ${endpointLimits.defaultMaxInFlight}). Deliveries over it wait; they are not failed.`,
  );
