import type { AppRouter } from '@hookline/api';
import { createTRPCClient, httpLink, retryLink, type TRPCClient, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { addIdempotencyKeys } from './idempotency';
import { clientRetry, isRetryableFailure, retryDelayMs } from './retry-rules';

export type HooklineClientOptions = {
  /** The API's base URL, e.g. http://127.0.0.1:3000 (tRPC is served under /trpc). */
  url: string;
  apiKey: string;
  /** Replaces the global fetch (tests, proxies, custom agents). */
  fetch?: typeof globalThis.fetch;
  /** Attempts per call for retryable failures; 1 turns retrying off. */
  attempts?: number;
};

/** Publishing is idempotent once it carries a key, which the link below guarantees. */
const publishPaths = new Set(['events.publish', 'events.publishBatch']);

/** Adds an idempotency key to every publish that lacks one, once, before any retry. */
const idempotencyLink: TRPCLink<AppRouter> =
  () =>
  ({ op, next }) =>
    observable((observer) =>
      next(publishPaths.has(op.path) ? { ...op, input: addIdempotencyKeys(op.input) } : op).subscribe(observer),
    );

/**
 * The typed client for TypeScript services: every procedure, input and output is checked at
 * compile time, so publishing an unknown event or a payload of the wrong shape does not build.
 * Queries and publishes are retried on network errors and 503s (see docs/api.md, "Clients").
 */
export function createHooklineClient({
  url,
  apiKey,
  fetch,
  attempts = clientRetry.attempts,
}: HooklineClientOptions): HooklineClient {
  return createTRPCClient<AppRouter>({
    links: [
      idempotencyLink,
      retryLink({
        retry: ({ op, error, attempts: made }) =>
          made < attempts &&
          (op.type === 'query' || publishPaths.has(op.path)) &&
          isRetryableFailure({ httpStatus: error.data?.httpStatus ?? null }),
        retryDelayMs,
      }),
      httpLink({
        url: `${url.replace(/\/$/, '')}/trpc`,
        headers: () => ({ authorization: `Bearer ${apiKey}` }),
        fetch,
      }),
    ],
  });
}

/** Named rather than inferred, so the published declarations say `TRPCClient<AppRouter>` instead of spelling out the router. */
export type HooklineClient = TRPCClient<AppRouter>;
