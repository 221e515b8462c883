import http from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { TRPCError } from '@trpc/server';
import { findPrincipal } from './auth/api-keys';
import { isDatabaseUnavailable } from './database-errors';
import { AppError } from './errors';
import type { ApiDeps, Context } from './context';
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

  return http.createServer((req, res) => {
    const url = req.url ?? '/';
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
      .end(JSON.stringify({ code: 'not_found', message: `no route for ${req.method} ${url.split('?')[0]}; tRPC is under /trpc` }));
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
