import { InvalidArgumentError } from 'commander';

/** Commander option parsers: a bad value is a usage error (exit 2) naming the option's rule. */

const durationUnits = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A point in time for `--since`/`--until`: an ISO date or date-time (`2026-01-31`, `2026-01-31T12:00:00Z`)
 * or an age such as `30m`, `2h`, `7d` (that long before now). The API takes UTC ISO date-times.
 */
export function parseTime(value: string, now = Date.now()): string {
  const age = /^(\d+)([smhd])$/.exec(value);
  if (age) return new Date(now - Number(age[1]) * durationUnits[age[2] as keyof typeof durationUnits]).toISOString();
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('expected an ISO date or date-time (2026-01-31T12:00:00Z) or an age (30m, 2h, 7d)');
  }
  return date.toISOString();
}

export function parsePositiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

/** `order.created,invoice.*` → a list; empty parts are dropped. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Seconds before each retry: `5,60,300`; `none` (or an empty string) for no retries. */
export function parseRetrySchedule(value: string): number[] {
  if (value.trim() === '' || value.trim() === 'none') return [];
  return parseList(value).map((part) => {
    const n = Number(part);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected seconds such as 5,60,300, or none');
    return n;
  });
}

/** A whole number; the API checks its range and names the bounds when it is outside them. */
export function parseWholeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/**
 * `none`, as parsed: commander turns a parser's null into an empty string, so the parsers below answer
 * this word and the command sends null for it (`orNull`).
 */
export const none = 'none';
export type None = typeof none;

export const orNull = <T>(value: T | None | undefined): T | null | undefined => (value === none ? null : value);

/** Requests per second such as `5` or `0.5`; `none` for no limit. The API checks the range. */
export function parseRateLimit(value: string): number | None {
  if (value.trim() === none) return none;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected requests per second (5, 0.5), or none');
  return n;
}

/**
 * A payload filter as JSON (`{"data.amount":{"$gte":100}}`), or `none` for no filter. Only the JSON is
 * checked here; the API checks the filter itself and names the place of each problem.
 */
export function parseFilter(value: string): Record<string, unknown> | None {
  if (value.trim() === none) return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `not JSON (${(error as Error).message}); expected an object such as {"data.amount":{"$gte":100}}, or none`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidArgumentError('expected a JSON object such as {"data.amount":{"$gte":100}}, or none');
  return parsed as Record<string, unknown>;
}

/**
 * One `--header name=value` (repeatable), added to the ones before it. The value is everything after the
 * first `=`; a name given twice (HTTP names ignore case) is refused rather than one silently winning.
 */
export function collectHeader(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  const name = at < 0 ? '' : value.slice(0, at).trim();
  if (name === '') throw new InvalidArgumentError('expected name=value, such as authorization=Bearer rk_live_51HqZ2');
  if (Object.keys(previous).some((n) => n.toLowerCase() === name.toLowerCase()))
    throw new InvalidArgumentError(`header ${name} is given twice`);
  return { ...previous, [name]: value.slice(at + 1) };
}
