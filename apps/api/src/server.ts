import http from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { findPrincipal } from './auth/api-keys';
import { isDatabaseUnavailable } from './database-errors';
import { AppError, appErrorCodes, payloadTooLargeMessage } from './errors';
import type { ApiDeps, Context } from './context';
import { appRouter } from './routers';

export type ApiServerOptions = ApiDeps & { maxPayloadBytes: number };

// A client gets this long to send a whole request; a trickled body cannot hold a socket for ever.
const requestTimeoutMs = 30_000;

/** One HTTP server: tRPC under /trpc, a plain /health for load balancers. */
export function createApiServer(options: ApiServerOptions): http.Server {
  const { maxPayloadBytes, ...deps } = options;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // tRPC reads the body as a stream and stops at this many bytes (a chunked body has no length to check first).
    maxBodySize: maxPayloadBytes,
    // One request, one procedure: a batch of a thousand calls in one request would multiply the work a
    // single request can cause past every limit here. The typed client does not batch.
    allowBatching: false,
    createContext: ({ req }) => createContext(deps, req.headers.authorization, maxPayloadBytes),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        deps.log('unexpected error', { path, error: error.cause ?? error });
      }
    },
  });

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/health' || url.startsWith('/health?')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url.startsWith('/trpc/')) {
      // A declared length over the limit is refused before a byte of the body is read.
      if (Number(req.headers['content-length'] ?? 0) > maxPayloadBytes) {
        refuseTooLarge(res, maxPayloadBytes);
        return;
      }
      trpc(req, res);
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 'not_found', message: `no route for ${req.method} ${url.split('?')[0]}; tRPC is under /trpc` }));
  });
  server.requestTimeout = requestTimeoutMs;
  return server;
}

/** The same body the error formatter gives a tRPC PAYLOAD_TOO_LARGE, so clients parse one shape. */
function refuseTooLarge(res: http.ServerResponse, limit: number) {
  const body = {
    error: {
      message: payloadTooLargeMessage(limit),
      code: TRPC_ERROR_CODES_BY_KEY.PAYLOAD_TOO_LARGE,
      data: { code: 'payload_too_large', httpStatus: appErrorCodes.payload_too_large },
    },
  };
  // Closing the connection stops the client from sending the rest of a body nobody will read.
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body));
}

async function createContext(deps: ApiDeps, authorization: string | undefined, maxPayloadBytes: number): Promise<Context> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) {
    return { ...deps, maxPayloadBytes, principal: null, authProblem: authorization ? 'Authorization must be "Bearer <key>"' : null };
  }
  let principal: Awaited<ReturnType<typeof findPrincipal>>;
  try {
    principal = await findPrincipal(deps.db, match[1]!);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    const cause = new AppError('unavailable', 'the database is unavailable; retry shortly');
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
  }
  return { ...deps, maxPayloadBytes, principal, authProblem: principal ? null : 'unknown or revoked API key' };
}
