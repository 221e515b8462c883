/** How hard the clients try again: 3 attempts in all, 200 ms then 800 ms apart (doubling ×4, ±25 %). */
export const clientRetry = { attempts: 3, firstDelayMs: 200 } as const;

export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(clientRetry.firstDelayMs * 4 ** (attempt - 1) * (0.75 + random() / 2));
}

/**
 * Only a failure that may not have reached the database (no answer at all) or a 503 (nothing was
 * stored, or the outcome of a lost COMMIT is unknown) is worth repeating, and only for calls that are
 * safe to repeat: queries, and publishes, which always carry an idempotency key.
 */
export function isRetryableFailure({ httpStatus }: { httpStatus: number | null }): boolean {
  return httpStatus === null || httpStatus === 503;
}
