import { z } from 'zod';
import { EVENT_TYPE_PATTERN, VERSION_PATTERN } from './define';
import { prefixedId, UtcTimestamp } from './fields';

/**
 * What a receiver gets as the body of every POST. The key order here is the order on the wire (zod builds
 * parsed objects in schema order), so keep it: id, timestamp, event, version, data, attempt, retryable.
 */
export const Envelope = z.strictObject({
  id: prefixedId('evt').describe(
    "The event's id; also the webhook-id header, the same on every attempt, so receivers can deduplicate.",
  ),
  timestamp: UtcTimestamp.describe('When the event was published (not when this attempt was made).'),
  event: z.string().regex(EVENT_TYPE_PATTERN, 'expected a dotted lowercase event type such as order.created'),
  version: z.string().regex(VERSION_PATTERN, 'expected a major.minor version such as 1.0'),
  data: z.unknown(),
  attempt: z.number().int().min(1).describe('Which attempt this is, counting from 1.'),
  retryable: z.boolean().describe('Whether a failure of this attempt will be retried.'),
});
export type Envelope = z.infer<typeof Envelope>;

export interface BuildEnvelopeInput {
  id: string;
  timestamp: Date;
  event: string;
  version: string;
  data: unknown;
  attempt: number;
  retryable: boolean;
}

/**
 * Builds the envelope in wire key order. It validates, so a bug upstream (attempt 0, an id without
 * `evt_`) fails the delivery loudly instead of reaching a receiver.
 */
export function buildEnvelope(input: BuildEnvelopeInput): Envelope {
  if (Number.isNaN(input.timestamp.getTime())) {
    throw new Error(`buildEnvelope: timestamp of event ${input.id} is an invalid Date`);
  }
  return Envelope.parse({
    id: input.id,
    timestamp: input.timestamp.toISOString(),
    event: input.event,
    version: input.version,
    data: input.data,
    attempt: input.attempt,
    retryable: input.retryable,
  });
}

/**
 * The envelope as a request body, with the event's data given as JSON text (as stored), so a worker
 * neither parses nor serialises again a payload it only passes on. The same bytes as
 * `JSON.stringify(buildEnvelope(...))` for that data, and the same checks of the other fields.
 */
export function envelopeBody({ dataJson, ...input }: Omit<BuildEnvelopeInput, 'data'> & { dataJson: string }): string {
  const { id, timestamp, event, version, attempt, retryable } = buildEnvelope({ ...input, data: null });
  const head = JSON.stringify({ id, timestamp, event, version });
  return `${head.slice(0, -1)},"data":${dataJson},"attempt":${attempt},"retryable":${retryable}}`;
}
