import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress } from './classify-address';
import { parseIp } from './ip-address';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.100.100.200', 'cgnat'], // Alibaba Cloud metadata
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'], // AWS IPv6 metadata
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['192.0.2.10', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['192.0.0.192', 'reserved'], // Oracle Cloud metadata
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001::1', 'reserved'], // Teredo
    ['64:ff9b:1::1', 'reserved'],
    ['4000::1', 'reserved'], // outside 2000::/3
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'], // just outside 172.16.0.0/12
    ['100.128.0.1', 'public'], // just outside 100.64.0.0/10
    ['2606:4700:4700::1111', 'public'],
  ])('%s is %s', (address, category) => {
    expect(classifyAddress(address)?.category).toBe(category);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
    ['[::ffff:a9fe:a9fe]', 'metadata', '169.254.169.254'],
    ['0:0:0:0:0:ffff:10.1.2.3', 'private', '10.1.2.3'],
    ['::127.0.0.1', 'loopback', '127.0.0.1'], // IPv4-compatible
    ['64:ff9b::10.0.0.1', 'private', '10.0.0.1'], // NAT64
    ['2002:c0a8:0101::1', 'private', '192.168.1.1'], // 6to4
    ['::ffff:8.8.8.8', 'public', '8.8.8.8'],
  ])('%s carries an IPv4 address and is classified by it (%s)', (address, category, ipv4) => {
    expect(classifyAddress(address)).toEqual({ category, embeddedIpv4: ipv4 });
  });

  it('returns null for text that is not an IP literal', () => {
    for (const text of [
      'localhost',
      'example.com',
      '127.1',
      '2130706433',
      '0x7f.0.0.1',
      '',
      '1.2.3.4.5',
      '::ffff:1.2.3',
    ]) {
      expect(classifyAddress(text)).toBeNull();
    }
  });

  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));

  it('classifies every IPv4 address the same way in its IPv4-mapped and NAT64 IPv6 forms', () => {
    fc.assert(
      fc.property(ipv4, (address) => {
        const plain = classifyAddress(address)!.category;
        expect(classifyAddress(`::ffff:${address}`)!.category).toBe(plain);
        expect(classifyAddress(`64:ff9b::${address}`)!.category).toBe(plain);
      }),
    );
  });

  it('puts every address of 10/8, 127/8 and 192.168/16 in its category', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(255), (b, c, d) => {
        expect(classifyAddress(`10.${b}.${c}.${d}`)!.category).toBe('private');
        expect(classifyAddress(`127.${b}.${c}.${d}`)!.category).toBe('loopback');
        expect(classifyAddress(`192.168.${c}.${d}`)!.category).toBe('private');
      }),
    );
  });

  it('parses every spelling of an IPv6 address to the same bytes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const full = parseIp(address)!.bytes;
        const expanded = Array.from({ length: 8 }, (_, i) =>
          ((full[i * 2]! << 8) | full[i * 2 + 1]!).toString(16),
        ).join(':');
        expect(parseIp(expanded)!.bytes).toEqual(full);
        expect(classifyAddress(expanded)).toEqual(classifyAddress(address));
      }),
    );
  });
});
