import http from 'node:http';
import type { DatabaseAvailability } from '@hookline/db';
import { serveStatus, type Readiness } from '@hookline/monitoring';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { consolePath, createConsoleFiles } from './console-files';
import { createPrincipalCache } from './auth/principal-cache';
import { createContext, type ApiDeps } from './context';
import { createPublishGroups } from './services/publish-groups';
import { defaultServerLimits, type ServerLimits } from './server-limits';
import { loggableError } from './database-errors';
import { serveDocs } from './docs-page';
import { buildOpenApiDocument } from './openapi-document';
import { createRouteLabeler } from './http-route';
import { createRestHandler } from './rest-handler';
import { requestLogFor, startRequestLog } from './request-log';
import { restBasePath } from './routers/rest';
import { appRouter } from './routers';
import { refuseTooLarge, retryAfterOnUnavailable, sendNoRoute, sendRestInternalError } from './wire-errors';

type ApiServerOptions = Omit<ApiDeps, 'publishGroups' | 'principals'> & {
  /** Whether the database is known to be reachable: publishes waiting to be grouped are refused when it is not. */
  databaseAvailability: DatabaseAvailability;
  maxPayloadBytes: number;
  readiness: Readiness;
  limits?: Partial<ServerLimits>;
  /** The built console served at /console; default: this repository's apps/console/dist. */
  consoleDir?: string;
};

/**
 * One HTTP server: tRPC under /trpc, REST under /api/v1, the console under /console, and for operators /health, /ready and
 * /metrics (unauthenticated, like /health: counts only, no ids, keys or URLs; see docs/operations.md).
 */
export function createApiServer(options: ApiServerOptions): http.Server {
  const { maxPayloadBytes, readiness, limits: givenLimits, consoleDir, databaseAvailability, ...given } = options;
  const deps: ApiDeps = {
    ...given,
    publishGroups: createPublishGroups({ ...given, availability: databaseAvailability }),
    principals: createPrincipalCache(given),
  };
  const routes = createRouteLabeler();
  const limits = { ...defaultServerLimits, ...givenLimits };
  // Both faces answer an unexpected error with an opaque 500; the log is where its details go.
  const logUnexpected = (
    error: { code: string; cause?: unknown },
    path: string | undefined,
    req: http.IncomingMessage,
  ) => {
    if (error.code === 'INTERNAL_SERVER_ERROR')
      requestLogFor(req, deps.log).error('unexpected error', {
        path,
        error: loggableError(error.cause ?? error, path),
      });
  };
  // Every line of a request carries its id: the procedures log through the context's `log`.
  const contextFor = (req: http.IncomingMessage) =>
    createContext({ ...deps, log: requestLogFor(req, deps.log) }, req.headers, maxPayloadBytes);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // tRPC reads the body as a stream and stops at this many bytes (a chunked body has no length to check first).
    maxBodySize: maxPayloadBytes,
    // One request, one procedure: a batch of a thousand calls in one request would multiply the work a
    // single request can cause past every limit here. The typed client does not batch.
    allowBatching: false,
    createContext: ({ req }) => contextFor(req),
    onError: ({ error, path, req }) => logUnexpected(error, path, req),
  });

  const rest = createRestHandler({
    createContext: contextFor,
    maxBodySize: maxPayloadBytes,
    onError: logUnexpected,
  });
  // Built once: the document only changes with the code.
  const document = buildOpenApiDocument();
  const openApiJson = JSON.stringify(document);
  const consoleFiles = createConsoleFiles(consoleDir);

  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Node only refuses headersTimeout > requestTimeout; a request may not outlast its own limit.
      requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      // Node checks the two timeouts above on this interval (30 s by default), so a timeout is enforced
      // within a quarter of itself rather than up to 30 s late.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      ),
    },
    (req, res) => {
      retryAfterOnUnavailable(res);
      if (deps.metrics.enabled) measureRequest(req, res);
      const url = req.url ?? '/';
      const pathname = url.split('?')[0];
      const requestLog = startRequestLog(req, res, { log: deps.log, route: routes.route(req.method, url) });
      if (serveStatus(req, res, { metrics: deps.metrics, readiness })) return;
      if (pathname === '/api/openapi.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(openApiJson);
        return;
      }
      if (pathname === '/docs' || pathname!.startsWith('/docs/')) {
        serveDocs(req, res, pathname!);
        return;
      }
      if (pathname === consolePath || pathname!.startsWith(`${consolePath}/`)) {
        consoleFiles(req, res, pathname!).catch((error: unknown) => {
          requestLog.error('console file failed', { error: loggableError(error, undefined) });
          if (!res.headersSent) res.writeHead(500).end();
        });
        return;
      }
      const isRest = pathname!.startsWith(`${restBasePath}/`);
      // A declared length over the limit is refused before a byte of the body is read.
      if ((isRest || url.startsWith('/trpc/')) && Number(req.headers['content-length'] ?? 0) > maxPayloadBytes) {
        refuseTooLarge(res, maxPayloadBytes, isRest ? 'rest' : 'trpc');
        return;
      }
      if (isRest) {
        rest(req, res).catch((error: unknown) => {
          // A client that hangs up mid-body: nothing to answer; anything else is a bug worth a log line.
          requestLog.error('REST request failed before reaching a procedure', {
            error: loggableError(error, undefined),
          });
          sendRestInternalError(res);
        });
        return;
      }
      if (url.startsWith('/trpc/')) {
        trpc(req, res);
        return;
      }
      sendNoRoute(
        res,
        `no route for ${req.method} ${pathname}; REST is under ${restBasePath}, tRPC under /trpc, docs at /docs, the console at ${consolePath}`,
      );
    },
  );
  // Not a createServer option in Node 20: set on the server.
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  return server;

  /** Counts the request and times it, once it is answered (or the client went away). */
  function measureRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const started = performance.now();
    // Labelled from the URL as it arrived: the REST handler rewrites req.url on its way through.
    const method = routes.method(req.method);
    const route = routes.route(req.method, req.url);
    res.once('close', () => {
      deps.metrics.httpRequest({
        method,
        route,
        status: res.statusCode,
        seconds: (performance.now() - started) / 1000,
      });
    });
  }
}
