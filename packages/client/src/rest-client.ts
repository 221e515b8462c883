import createClient, { type Middleware } from 'openapi-fetch';
import { addIdempotencyKeys } from './idempotency';
import type { paths } from './openapi';
import { clientRetry, isRetryableFailure, retryDelayMs } from './retry-rules';

export type HooklineRestClientOptions = {
  /** The API's base URL, e.g. http://127.0.0.1:3000 (REST is served under /api/v1). */
  url: string;
  apiKey: string;
  fetch?: typeof globalThis.fetch;
  attempts?: number;
};

const publishPath = /\/applications\/[^/]+\/events(\/batch)?$/;

/**
 * A small REST client typed by the generated OpenAPI paths (openapi-fetch), for callers who
 * prefer plain REST. Same guarantees as the tRPC client: publishes get an idempotency key,
 * and GETs and publishes are retried on network errors and 503s.
 */
export function createHooklineRestClient({
  url,
  apiKey,
  fetch = globalThis.fetch,
  attempts = clientRetry.attempts,
}: HooklineRestClientOptions) {
  const client = createClient<paths>({
    baseUrl: `${url.replace(/\/$/, '')}/api/v1`,
    headers: { authorization: `Bearer ${apiKey}` },
    fetch: retryingFetch(fetch, attempts),
  });
  client.use(idempotencyMiddleware);
  return client;
}

export type HooklineRestClient = ReturnType<typeof createHooklineRestClient>;

const idempotencyMiddleware: Middleware = {
  async onRequest({ request }) {
    if (request.method !== 'POST' || !publishPath.test(new URL(request.url).pathname)) return undefined;
    const body = addIdempotencyKeys(await request.clone().json());
    return new Request(request, { body: JSON.stringify(body) });
  },
};

function retryingFetch(fetch: typeof globalThis.fetch, attempts: number) {
  return async (request: Request): Promise<Response> => {
    const repeatable =
      request.method === 'GET' || (request.method === 'POST' && publishPath.test(new URL(request.url).pathname));
    for (let attempt = 1; ; attempt++) {
      const last = !repeatable || attempt >= attempts;
      try {
        const response = await fetch(request.clone());
        if (last || !isRetryableFailure({ httpStatus: response.status })) return response;
      } catch (error) {
        if (last) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
    }
  };
}
