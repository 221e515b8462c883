import http from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { TRPCError } from '@trpc/server';
import { findPrincipal } from './auth/api-keys';
import { isDatabaseUnavailable } from './database-errors';
import { AppError } from './errors';
import type { ApiDeps, Context } from './context';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument } from './openapi-document';
import { createRestHandler } from './rest-handler';
import { restBasePath } from './routers/rest';
import { appRouter } from './routers';

export type ApiServerOptions = ApiDeps & { maxPayloadBytes: number };

/** One HTTP server: tRPC under /trpc, a plain /health for load balancers. */
export function createApiServer(options: ApiServerOptions): http.Server {
  const { maxPayloadBytes, ...deps } = options;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: maxPayloadBytes,
    createContext: ({ req }) => createContext(deps, req.headers.authorization),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        deps.log('unexpected error', { path, error: error.cause ?? error });
      }
    },
  });

  const rest = createRestHandler({
    createContext: (req) => createContext(deps, req.headers.authorization),
    maxBodySize: maxPayloadBytes,
    onError: (error, path) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') deps.log('unexpected error', { path, error: error.cause ?? error });
    },
  });
  // Built once: the document only changes with the code.
  const openApiJson = JSON.stringify(buildOpenApiDocument());
  const docsHtml = renderDocsPage(buildOpenApiDocument());

  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0];
    if (pathname === '/api/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(openApiJson);
      return;
    }
    if (pathname === '/docs' || pathname === '/docs/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(docsHtml);
      return;
    }
    if (pathname!.startsWith(`${restBasePath}/`)) {
      rest(req, res);
      return;
    }
    if (url === '/health' || url.startsWith('/health?')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 'not_found', message: `no route for ${req.method} ${pathname}; REST is under ${restBasePath}, tRPC under /trpc, docs at /docs` }));
  });
}

async function createContext(deps: ApiDeps, authorization: string | undefined): Promise<Context> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) {
    return { ...deps, principal: null, authProblem: authorization ? 'Authorization must be "Bearer <key>"' : null };
  }
  let principal: Awaited<ReturnType<typeof findPrincipal>>;
  try {
    principal = await findPrincipal(deps.db, match[1]!);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    const cause = new AppError('unavailable', 'the database is unavailable; retry shortly');
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
  }
  return { ...deps, principal, authProblem: principal ? null : 'unknown or revoked API key' };
}
