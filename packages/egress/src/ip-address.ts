import { isIP } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = { version: 4 | 6; bytes: Uint8Array };

/**
 * Parses an IP literal (brackets and an IPv6 zone such as `%eth0` allowed) into bytes, or null when
 * it is not one. Only canonical text forms are IP literals here: `new URL()` already turns
 * `http://2130706433/` and `http://0x7f.1/` into `127.0.0.1`, and net.connect accepts nothing else.
 */
export function parseIp(text: string): IpBytes | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const withoutZone = bare.includes('%') ? bare.slice(0, bare.indexOf('%')) : bare;
  switch (isIP(withoutZone)) {
    case 4:
      return { version: 4, bytes: Uint8Array.from(withoutZone.split('.').map(Number)) };
    case 6:
      return { version: 6, bytes: parseIpv6(withoutZone) };
    default:
      return null;
  }
}

// Only called on text net.isIP accepted as IPv6, so the shape is known to be valid.
function parseIpv6(text: string): Uint8Array {
  let head = text;
  const tailBytes: number[] = [];
  // A trailing dotted quad (::ffff:127.0.0.1) fills the last 32 bits.
  const lastColon = head.lastIndexOf(':');
  if (head.slice(lastColon + 1).includes('.')) {
    tailBytes.push(
      ...head
        .slice(lastColon + 1)
        .split('.')
        .map(Number),
    );
    // Drop the quad; keep a `::` that stood right before it ("::ffff:1.2.3.4" -> "::ffff", "::1.2.3.4" -> "::").
    const before = text.slice(0, lastColon);
    head = before.endsWith(':') ? `${before}:` : before;
  }
  const groupsWanted = 8 - tailBytes.length / 2;
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':').filter((g) => g !== '') : [];
  const rightGroups = right ? right.split(':').filter((g) => g !== '') : [];
  const zeros = right === undefined ? 0 : groupsWanted - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<string>(zeros).fill('0'), ...rightGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  bytes.set(tailBytes, 12);
  return bytes;
}

/** Dotted-quad text of 4 IPv4 bytes, for messages. */
export function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** True when the first `prefix` bits of `bytes` equal those of `network`. */
export function inPrefix(bytes: Uint8Array, network: Uint8Array, prefix: number): boolean {
  if (bytes.length !== network.length) return false;
  const fullBytes = Math.floor(prefix / 8);
  for (let i = 0; i < fullBytes; i++) if (bytes[i] !== network[i]) return false;
  const rest = prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[fullBytes]! & mask) === (network[fullBytes]! & mask);
}
