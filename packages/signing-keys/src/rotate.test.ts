import type { StoredSigningKey } from '@hookline/db';
import { describe, expect, it } from 'vitest';
import { maxOldKeys, rotateSigningKeys } from './rotate';

const now = new Date('2025-01-15T10:00:00.000Z');
const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000).toISOString();
const key = (name: string, expiresAt: string | null = null): StoredSigningKey => ({
  signing: 'hmac',
  sealed: name,
  publicKey: null,
  createdAt: now.toISOString(),
  expiresAt,
});

describe('rotateSigningKeys', () => {
  it('puts the new key first and lets the old one sign for the grace period', () => {
    const rotated = rotateSigningKeys([key('old')], key('new'), { graceSeconds: 3600, now });
    expect(rotated.map((k) => [k.sealed, k.expiresAt])).toEqual([
      ['new', null],
      ['old', at(3600)],
    ]);
  });

  it('never extends a key that already expires sooner, and drops expired keys', () => {
    const rotated = rotateSigningKeys([key('current'), key('soon', at(60)), key('gone', at(-1))], key('new'), {
      graceSeconds: 86400,
      now,
    });
    expect(rotated.map((k) => [k.sealed, k.expiresAt])).toEqual([
      ['new', null],
      ['current', at(86400)],
      ['soon', at(60)],
    ]);
  });

  it('retires every old key at once with a grace of 0', () => {
    expect(
      rotateSigningKeys([key('leaked'), key('older', at(500))], key('new'), { graceSeconds: 0, now }).map(
        (k) => k.sealed,
      ),
    ).toEqual(['new']);
  });

  it(`keeps at most ${maxOldKeys} old keys, dropping the oldest`, () => {
    let keys = [key('k0')];
    for (let i = 1; i <= 15; i++) keys = rotateSigningKeys(keys, key(`k${i}`), { graceSeconds: 86400, now });
    expect(keys).toHaveLength(1 + maxOldKeys);
    expect(keys.map((k) => k.sealed)).toEqual(['k15', 'k14', 'k13', 'k12', 'k11', 'k10', 'k9', 'k8', 'k7', 'k6', 'k5']);
  });
});
