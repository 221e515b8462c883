import { z } from 'zod';
import { AppError } from './errors';
import { IdempotencyKey } from './routers/inputs';

/** How the header is named and documented; HTTP header names are case-insensitive. */
export const IdempotencyKeyHeader = z.object({
  'Idempotency-Key': IdempotencyKey.optional().describe(
    'The idempotency key of this publish, as an alternative to `idempotencyKey` in the body (the same key again returns the first event, `duplicate: true`). When both are sent they must be equal.',
  ),
});

/**
 * The idempotency key of one publish: the body's `idempotencyKey` or the `Idempotency-Key` header,
 * the convention of Stripe and of the IETF draft, so a generic HTTP client's retry support works
 * unchanged. Sent both ways, the two must agree: silently preferring one would hide a client bug.
 */
export function chooseIdempotencyKey(bodyKey: string | undefined, header: string | undefined): string | undefined {
  if (header === undefined) return bodyKey;
  const parsed = IdempotencyKey.safeParse(header);
  if (!parsed.success) {
    const message = `must be 1 to 255 characters`;
    throw new AppError('validation', `Idempotency-Key header: ${message}`, [{ path: ['Idempotency-Key'], message }]);
  }
  if (bodyKey !== undefined && bodyKey !== header) {
    const message = 'differs from idempotencyKey in the body; send the key once, or the same key both ways';
    throw new AppError('validation', `Idempotency-Key header: ${message}`, [{ path: ['Idempotency-Key'], message }]);
  }
  return header;
}

/** A batch has one key per event; a single header key cannot say which event it belongs to. */
export function refuseIdempotencyKeyHeader(header: string | undefined): void {
  if (header === undefined) return;
  const message = 'does not apply to a batch; give each event its own idempotencyKey';
  throw new AppError('validation', `Idempotency-Key header: ${message}`, [{ path: ['Idempotency-Key'], message }]);
}
