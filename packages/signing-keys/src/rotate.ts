import type { StoredSigningKey } from '@hookline/db';
import { isLive } from './endpoint-signing-keys';

// Svix's numbers (WEBHOOKS.md): a day by default for receivers to pick up the new key, a week at most.
export const defaultGraceSeconds = 24 * 3600;
export const maxGraceSeconds = 7 * 24 * 3600;
// Old keys that may still sign next to the current one; each adds a signature to every request.
export const maxOldKeys = 10;

/**
 * The endpoint's keys after a rotation: `fresh` first, each older live key signing for at most
 * `graceSeconds` more (an earlier expiry is kept: a rotation never extends a key's life), expired
 * keys dropped, and no more than `maxOldKeys` old ones (the oldest go first).
 * A grace of 0 retires every old key at once: the answer to a leaked key.
 */
export function rotateSigningKeys(
  stored: readonly StoredSigningKey[],
  fresh: StoredSigningKey,
  { graceSeconds, now }: { graceSeconds: number; now: Date },
): StoredSigningKey[] {
  const graceEnd = now.getTime() + graceSeconds * 1000;
  const old = stored
    .map((s) => {
      const expires = s.expiresAt === null ? graceEnd : Math.min(Date.parse(s.expiresAt), graceEnd);
      return { ...s, expiresAt: new Date(expires).toISOString() };
    })
    .filter((s) => isLive(s, now));
  return [fresh, ...old.slice(0, maxOldKeys)];
}
