import { formatIpv4, inPrefix, parseIp, type IpBytes } from './ip-address';

/** What kind of network an address belongs to; everything but `public` is refused unless allow-listed. */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'unique-local'
  | 'unspecified'
  | 'documentation'
  | 'reserved';

export type AddressClass = {
  category: AddressCategory;
  /** For IPv6 forms that carry an IPv4 address (::ffff:a.b.c.d, NAT64, 6to4): that address, which decided. */
  embeddedIpv4?: string;
};

type Range = { cidr: string; category: Exclude<AddressCategory, 'public'> };

// First match wins, so a specific range sits before the one that contains it.
const ipv4Ranges: Range[] = [
  { cidr: '0.0.0.0/8', category: 'unspecified' }, // "this network"; Linux connects 0.0.0.0 to localhost
  { cidr: '10.0.0.0/8', category: 'private' },
  { cidr: '100.64.0.0/10', category: 'cgnat' }, // shared address space; Alibaba's metadata is 100.100.100.200
  { cidr: '127.0.0.0/8', category: 'loopback' },
  { cidr: '169.254.169.254/32', category: 'metadata' }, // AWS, GCP, Azure, OpenStack instance metadata
  { cidr: '169.254.0.0/16', category: 'link-local' },
  { cidr: '172.16.0.0/12', category: 'private' },
  { cidr: '192.0.0.0/24', category: 'reserved' }, // IETF protocol assignments (Oracle's metadata is 192.0.0.192)
  { cidr: '192.0.2.0/24', category: 'documentation' },
  { cidr: '192.88.99.0/24', category: 'reserved' }, // deprecated 6to4 relay anycast
  { cidr: '192.168.0.0/16', category: 'private' },
  { cidr: '198.18.0.0/15', category: 'reserved' }, // benchmarking
  { cidr: '198.51.100.0/24', category: 'documentation' },
  { cidr: '203.0.113.0/24', category: 'documentation' },
  { cidr: '224.0.0.0/4', category: 'multicast' },
  { cidr: '240.0.0.0/4', category: 'reserved' }, // future use, and 255.255.255.255 broadcast
];

const ipv6Ranges: Range[] = [
  { cidr: '::/128', category: 'unspecified' },
  { cidr: '::1/128', category: 'loopback' },
  { cidr: '64:ff9b:1::/48', category: 'reserved' }, // local-use NAT64: translates to anything the operator chose
  { cidr: '100::/64', category: 'reserved' }, // discard-only
  { cidr: '2001::/32', category: 'reserved' }, // Teredo tunnels (an obfuscated IPv4 inside)
  { cidr: '2001:db8::/32', category: 'documentation' },
  { cidr: 'fc00::/7', category: 'unique-local' }, // includes AWS's IPv6 metadata fd00:ec2::254
  { cidr: 'fe80::/10', category: 'link-local' },
  { cidr: 'fec0::/10', category: 'private' }, // deprecated site-local
  { cidr: 'ff00::/8', category: 'multicast' },
];

// IPv6 forms that carry an IPv4 address: the IPv4 address decides, so ::ffff:127.0.0.1 is loopback.
const embeddingPrefixes: { cidr: string; ipv4At: number }[] = [
  { cidr: '::ffff:0:0/96', ipv4At: 12 }, // IPv4-mapped
  { cidr: '::/96', ipv4At: 12 }, // IPv4-compatible (deprecated); :: and ::1 matched above
  { cidr: '64:ff9b::/96', ipv4At: 12 }, // well-known NAT64 prefix
  { cidr: '2002::/16', ipv4At: 2 }, // 6to4
];

// Every public IPv6 unicast address is in 2000::/3; the rest is unassigned or special.
const globalUnicast = compile('2000::/3');

type Compiled = { network: Uint8Array; prefix: number };
const compiledIpv4 = ipv4Ranges.map((r) => ({ ...r, ...compile(r.cidr) }));
const compiledIpv6 = ipv6Ranges.map((r) => ({ ...r, ...compile(r.cidr) }));
const compiledEmbeddings = embeddingPrefixes.map((e) => ({ ...e, ...compile(e.cidr) }));

/**
 * Says what kind of network an IP literal belongs to, or null when `address` is not an IP literal.
 * Pure: no DNS, no configuration. The allow-list is applied on top (egress-policy.ts).
 */
export function classifyAddress(address: string): AddressClass | null {
  const ip = parseIp(address);
  return ip ? classifyIp(ip) : null;
}

export function classifyIp(ip: IpBytes): AddressClass {
  if (ip.version === 4) return { category: matchRange(compiledIpv4, ip.bytes) ?? 'public' };
  const special = matchRange(compiledIpv6, ip.bytes);
  if (special) return { category: special };
  const ipv4 = embeddedIpv4(ip);
  if (ipv4) return { category: classifyIp(ipv4).category, embeddedIpv4: formatIpv4(ipv4.bytes) };
  return { category: inPrefix(ip.bytes, globalUnicast.network, globalUnicast.prefix) ? 'public' : 'reserved' };
}

/** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address. */
export function embeddedIpv4(ip: IpBytes): IpBytes | null {
  if (ip.version === 4) return null;
  for (const embedding of compiledEmbeddings) {
    if (inPrefix(ip.bytes, embedding.network, embedding.prefix)) {
      return { version: 4, bytes: ip.bytes.slice(embedding.ipv4At, embedding.ipv4At + 4) };
    }
  }
  return null;
}

function matchRange(ranges: (Range & Compiled)[], bytes: Uint8Array) {
  return ranges.find((r) => inPrefix(bytes, r.network, r.prefix))?.category ?? null;
}

/** "10.0.0.0/8" → network bytes and prefix length; throws on text that is not a CIDR block. */
export function compile(cidr: string): Compiled {
  const slash = cidr.indexOf('/');
  const ip = parseIp(slash === -1 ? cidr : cidr.slice(0, slash));
  if (!ip) throw new Error(`"${cidr}" is not an IP address or CIDR block (expected e.g. 10.0.0.0/8 or fd00::/8)`);
  const maxPrefix = ip.version === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(maxPrefix) : cidr.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix)) {
    throw new Error(`"${cidr}" has an invalid prefix length (0 to ${maxPrefix} for IPv${ip.version})`);
  }
  return { network: ip.bytes, prefix };
}
