import type { AddressCategory } from './classify-address';

/**
 * Raised inside a connection attempt when the destination is not allowed. It travels up through the
 * HTTP client as a connect error; the delivery worker recognises it by `code` and records the attempt
 * as blocked (no request was sent).
 */
export class EgressBlockedError extends Error {
  readonly code = 'HOOKLINE_EGRESS_BLOCKED';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly category: Exclude<AddressCategory, 'public'>,
    reason: string,
  ) {
    super(reason);
    this.name = 'EgressBlockedError';
  }
}

/** True for an EgressBlockedError anywhere in an error's cause chain (HTTP clients wrap connect errors). */
export function findEgressBlockedError(error: unknown): EgressBlockedError | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof EgressBlockedError) return e;
  }
  return null;
}
