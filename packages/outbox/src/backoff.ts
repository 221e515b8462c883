/** How long the relay waits after a failed attempt: 250 ms doubling to 30 s, with ±25 % jitter. */
export const relayBackoff = { firstDelayMs: 250, maxDelayMs: 30_000 } as const;

/**
 * The pause before attempt `failures + 1` after `failures` failures in a row. The jitter spreads
 * several relays out, so a recovering Hookline is not met by all of them at the same instant.
 */
export function backoffDelayMs(
  failures: number,
  { firstDelayMs, maxDelayMs }: { firstDelayMs: number; maxDelayMs: number } = relayBackoff,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + random() / 2));
}
