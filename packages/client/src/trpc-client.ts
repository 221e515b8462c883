import type { AppRouter } from '@hookline/api';
import { createTRPCClient, httpLink } from '@trpc/client';

export type HooklineClientOptions = {
  /** The API's base URL, e.g. http://127.0.0.1:3000 (tRPC is served under /trpc). */
  url: string;
  apiKey: string;
  /** Replaces the global fetch (tests, proxies, custom agents). */
  fetch?: typeof globalThis.fetch;
};

/**
 * The typed client for TypeScript services: every procedure, input and output is checked at
 * compile time, so publishing an unknown event or a payload of the wrong shape does not build.
 */
export function createHooklineClient({ url, apiKey, fetch }: HooklineClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url.replace(/\/$/, '')}/trpc`,
        headers: () => ({ authorization: `Bearer ${apiKey}` }),
        fetch,
      }),
    ],
  });
}

export type HooklineClient = ReturnType<typeof createHooklineClient>;
