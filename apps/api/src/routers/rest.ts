import type { OpenApiMeta } from 'trpc-to-openapi';

type Method = NonNullable<OpenApiMeta['openapi']>['method'];

/** Every REST path lives under this prefix; the OpenAPI document's server URL ends with it. */
export const restBasePath = '/api/v1';

/**
 * The REST face of a resource's procedures: `rest(method, path, summary)` with the path relative
 * to /api/v1. The tag groups a resource's operations in the document and the docs page.
 */
export function restFor(tag: string) {
  return (
    method: Method,
    path: `/${string}`,
    summary: string,
    { protect = true, errors = {} }: { protect?: boolean; errors?: Record<number, string> } = {},
  ): OpenApiMeta => ({
    openapi: {
      method,
      path,
      summary,
      protect,
      tags: [tag],
      errorResponses: { ...(protect ? protectedErrors : publicErrors), ...errors },
    },
  });
}

const publicErrors: Record<number, string> = {
  500: 'Unexpected error; the body says nothing more (the server log does)',
  503: 'The database is unavailable; nothing was stored, retry shortly',
};

const protectedErrors: Record<number, string> = {
  400: 'Invalid input; `message` and `issues` name each field at fault',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key may not do this (an application key calling an admin operation)',
  404: 'Not found, or it belongs to another application',
  ...publicErrors,
};
