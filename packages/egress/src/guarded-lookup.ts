import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { EgressPolicy } from './egress-policy';
import { EgressBlockedError } from './errors';
import type { ResolveHost } from './resolve-host';

/**
 * A `lookup` for net.connect / tls.connect that resolves the name, checks every address against the
 * policy, and hands only checked addresses to the socket. The socket connects to exactly what was
 * checked, so a name that answers a public address to a check and 127.0.0.1 to the connect (DNS
 * rebinding) gets nowhere. Any refused address fails the connection with EgressBlockedError.
 *
 * IP literals never reach a lookup (net connects to them directly): check those before connecting.
 */
export function createGuardedLookup(policy: EgressPolicy, resolve: ResolveHost): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (...args: never[]) => void) => {
    const done = callback as unknown as (
      error: Error | null,
      address?: string | LookupAddress[],
      family?: number,
    ) => void;
    resolve(hostname).then(
      (found) => {
        const addresses =
          options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        for (const { address } of addresses) {
          const verdict = policy.check(address, hostname);
          if (!verdict.allowed)
            return done(new EgressBlockedError(hostname, address, verdict.category, verdict.reason));
        }
        if (addresses.length === 0) {
          return done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
        }
        if (options.all) return done(null, addresses);
        return done(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => done(error),
    );
  };
}
