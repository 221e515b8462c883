import { lookup } from 'node:dns/promises';

export type ResolvedAddress = { address: string; family: 4 | 6 };

/** Turns a host name into every address it has; injected where tests need a name to point somewhere. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address in the order it answers. */
export const systemResolveHost: ResolveHost = async (hostname) => {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
