import { randomFillSync } from 'node:crypto';

/**
 * Prefixes that say what an id names, in logs and support tickets alike (Svix's convention):
 * application, API key, endpoint, event, delivery, attempt.
 */
type IdPrefix = 'app' | 'key' | 'ep' | 'evt' | 'dlv' | 'atm';

// Crockford base32: no I, L, O, U, so ids survive being read aloud or copied by hand.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Randomness is drawn 4 KiB at a time: one call into OpenSSL per 256 ids instead of one per id (an id
// is made for every event, delivery and attempt; the call showed at 1–1.5 % of the API's and the
// worker's CPU in profiles).
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomByte(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]!;
}

/**
 * A ULID-shaped id behind a prefix: 10 characters of millisecond time then 16 of randomness.
 * Ids sort by creation time, which is what makes `id < cursor` pagination stable and index-friendly.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  for (let i = 0; i < 16; i++) random += alphabet[randomByte() % 32];
  return `${prefix}_${time}${random}`;
}
