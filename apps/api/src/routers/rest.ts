import type { OpenApiMeta } from 'trpc-to-openapi';
import type { ZodObject } from 'zod';

type Method = NonNullable<OpenApiMeta['openapi']>['method'];

/** Every REST path lives under this prefix; the OpenAPI document's server URL ends with it. */
export const restBasePath = '/api/v1';

/**
 * The REST face of a resource's procedures: `rest(method, path, summary)` with the path relative
 * to /api/v1. The tag groups a resource's operations in the document and the docs page. Each
 * operation declares every status the server can answer it with: the ones any request can meet
 * (below), and `errors`, the ones particular to it.
 */
export function restFor(tag: string) {
  return (
    method: Method,
    path: `/${string}`,
    summary: string,
    {
      protect = true,
      errors = {},
      headers,
    }: { protect?: boolean; errors?: Record<number, string>; headers?: ZodObject } = {},
  ): OpenApiMeta => ({
    openapi: {
      method,
      path,
      summary,
      protect,
      tags: [tag],
      requestHeaders: headers,
      errorResponses: {
        ...(protect ? protectedErrors : publicErrors),
        ...(takesJsonBody(method) ? wrongBodyType : {}),
        ...errors,
      },
    },
  });
}

// trpc-to-openapi reads a body (and checks its type) for these methods; DELETE takes its input from the path.
const takesJsonBody = (method: Method) => method === 'POST' || method === 'PATCH' || method === 'PUT';

const publicErrors: Record<number, string> = {
  // The declared length is checked before routing, so any operation can meet it.
  413: 'The request body (or its declared Content-Length) is larger than HOOKLINE_MAX_PAYLOAD_BYTES',
  500: 'Unexpected error; the body says nothing more (the server log has the details)',
  503: 'The database is unavailable; nothing was stored, retry shortly',
};

const protectedErrors: Record<number, string> = {
  400: 'Invalid input: the body, a parameter or a header. `message` names each field at fault; `issues` lists them (path, message)',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key may not do this (an application key calling an admin operation)',
  404: 'Not found, or it belongs to another application',
  ...publicErrors,
};

const wrongBodyType: Record<number, string> = {
  415: 'A body was sent without `Content-Type: application/json` (a request with no body at all needs no content type)',
};
