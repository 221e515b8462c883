import { z } from 'zod';
import { classifyIp, compile, embeddedIpv4, type AddressCategory } from './classify-address';
import { inPrefix, parseIp, type IpBytes } from './ip-address';

export type EgressVerdict =
  | { allowed: true; category: AddressCategory }
  | { allowed: false; category: Exclude<AddressCategory, 'public'>; reason: string };

/** Which addresses webhooks may be sent to: public ones, plus whatever the allow-list names. */
export type EgressPolicy = {
  /** `hostname`, when the address came from resolving a name, makes the reason say so. */
  check: (address: string, hostname?: string) => EgressVerdict;
  /** The allow-list as given, for logs. */
  allowedCidrs: readonly string[];
};

// Loopback only: what `npm start` allows in development so the README walkthrough can use a local receiver.
export const loopbackCidrs: readonly string[] = ['127.0.0.0/8', '::1/128'];

const categoryNames: Record<Exclude<AddressCategory, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private-network address',
  'link-local': 'a link-local address',
  metadata: 'the cloud instance-metadata address',
  cgnat: 'a carrier-grade NAT (shared) address',
  multicast: 'a multicast address',
  'unique-local': 'an IPv6 unique-local address',
  unspecified: 'an unspecified ("this host") address',
  documentation: 'a documentation-only address',
  reserved: 'a reserved or special-purpose address',
};

/**
 * Builds the policy from an allow-list of CIDR blocks (HOOKLINE_ALLOWED_CIDRS). An allow-listed IPv4
 * block also admits the same addresses written as IPv4-mapped IPv6, so the two spellings agree.
 */
export function createEgressPolicy({ allowedCidrs = [] }: { allowedCidrs?: readonly string[] } = {}): EgressPolicy {
  const allowed = allowedCidrs.map((cidr) => ({ ...compile(cidr) }));
  const isAllowListed = (ip: IpBytes) => {
    const candidates = [ip.bytes, embeddedIpv4(ip)?.bytes].filter((b): b is Uint8Array => b !== undefined);
    return candidates.some((bytes) => allowed.some((a) => inPrefix(bytes, a.network, a.prefix)));
  };

  return {
    allowedCidrs: [...allowedCidrs],
    check(address, hostname) {
      const ip = parseIp(address);
      // Callers resolve names first; anything else reaching here is a bug, and refusing is the safe answer.
      if (!ip) return { allowed: false, category: 'reserved', reason: `"${address}" is not an IP address` };
      const { category, embeddedIpv4: inner } = classifyIp(ip);
      if (category === 'public' || isAllowListed(ip)) return { allowed: true, category };
      const spelled = inner ? `${address} (which carries ${inner})` : address;
      const subject = hostname && hostname !== address ? `${hostname} resolves to ${spelled}, which` : spelled;
      return {
        allowed: false,
        category,
        reason:
          `${subject} is ${categoryNames[category]}; Hookline does not send webhooks to loopback, private, link-local or other non-public networks. ` +
          `To allow it, add it to HOOKLINE_ALLOWED_CIDRS.`,
      };
    },
  };
}

/**
 * Parses HOOKLINE_ALLOWED_CIDRS: comma- or space-separated CIDR blocks or single addresses
 * ("10.20.0.0/16, fd12::/16, 192.168.1.5"). Throws an Error naming the first bad entry.
 */
export function parseCidrList(text: string): string[] {
  const entries = text.split(/[\s,]+/).filter((e) => e !== '');
  for (const entry of entries) compile(entry);
  return entries;
}

/** The HOOKLINE_ALLOWED_CIDRS setting, for each app's env.ts: unset, or a list parsed here. */
export const AllowedCidrsSetting = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    try {
      return parseCidrList(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
