import { z } from 'zod';

/** The figures an operator looks at first, over the applications the caller may see. */
export const Overview = z.object({
  /** Null for every application the key may see; otherwise the one asked for. */
  appId: z.string().nullable(),
  /** Deliveries not yet delivered and not given up on: waiting for their next attempt or being sent. */
  queueDepth: z.number().int(),
  /** Attempts that started in the last `windowSeconds`, per second. */
  deliveriesPerSecond: z.number(),
  windowSeconds: z.number().int(),
  /** Dead letters waiting for an operator (deadLetters.list). */
  deadLetters: z.number().int(),
  /** Endpoints that are disabled, by an operator or by Hookline after failing for too long. */
  disabledEndpoints: z.number().int(),
  endpoints: z.number().int(),
});
export type Overview = z.infer<typeof Overview>;
