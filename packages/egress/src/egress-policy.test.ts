import { describe, expect, it } from 'vitest';
import { createEgressPolicy, parseCidrList } from './egress-policy';

describe('createEgressPolicy', () => {
  it('allows public addresses and refuses the rest, naming the category and the setting', () => {
    const policy = createEgressPolicy();
    expect(policy.check('8.8.8.8')).toEqual({ allowed: true, category: 'public' });
    const refused = policy.check('169.254.169.254');
    expect(refused).toMatchObject({ allowed: false, category: 'metadata' });
    expect(refused.allowed === false && refused.reason).toMatch(
      /169\.254\.169\.254 is the cloud instance-metadata address.*HOOKLINE_ALLOWED_CIDRS/,
    );
    const mapped = policy.check('::ffff:7f00:1');
    expect(mapped.allowed === false && mapped.reason).toMatch(
      /::ffff:7f00:1 \(which carries 127\.0\.0\.1\) is a loopback address/,
    );
  });

  it('lets the allow-list open exactly the blocks it names, in both IPv4 spellings', () => {
    const policy = createEgressPolicy({ allowedCidrs: ['10.20.0.0/16', '127.0.0.1', 'fd12::/16'] });
    expect(policy.check('10.20.3.4').allowed).toBe(true);
    expect(policy.check('10.21.0.1').allowed).toBe(false);
    expect(policy.check('127.0.0.1').allowed).toBe(true);
    expect(policy.check('127.0.0.2').allowed).toBe(false);
    expect(policy.check('::ffff:127.0.0.1').allowed).toBe(true);
    expect(policy.check('fd12:1::1').allowed).toBe(true);
    expect(policy.check('fd13::1').allowed).toBe(false);
    expect(policy.check('::1').allowed).toBe(false);
  });

  it('refuses anything that is not an IP address', () => {
    expect(createEgressPolicy({ allowedCidrs: ['0.0.0.0/0'] }).check('localhost')).toMatchObject({ allowed: false });
  });
});

describe('parseCidrList', () => {
  it('accepts blocks and single addresses separated by commas or spaces', () => {
    expect(parseCidrList(' 10.0.0.0/8, 127.0.0.1  ::1/128,fd00::/8 ')).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1/128',
      'fd00::/8',
    ]);
    expect(parseCidrList('')).toEqual([]);
  });

  it('names the entry it cannot read', () => {
    expect(() => parseCidrList('10.0.0.0/8,localhost')).toThrow(/"localhost" is not an IP address or CIDR block/);
    expect(() => parseCidrList('10.0.0.0/33')).toThrow(
      /"10.0.0.0\/33" has an invalid prefix length \(0 to 32 for IPv4\)/,
    );
    expect(() => parseCidrList('::/129')).toThrow(/0 to 128 for IPv6/);
    expect(() => parseCidrList('10.0.0.0/x')).toThrow(/invalid prefix length/);
  });
});
