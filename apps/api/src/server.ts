import http from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createContext, type ApiDeps } from './context';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument } from './openapi-document';
import { createRestHandler } from './rest-handler';
import { requestLogFor, startRequestLog } from './request-log';
import { createRouteTemplates } from './route-template';
import { restBasePath } from './routers/rest';
import { appRouter } from './routers';
import { refuseTooLarge, sendNoRoute, sendRestInternalError } from './wire-errors';

type ApiServerOptions = ApiDeps & { maxPayloadBytes: number };

// A client gets this long to send a whole request; a trickled body cannot hold a socket for ever.
const requestTimeoutMs = 30_000;

/** One HTTP server: tRPC under /trpc, REST under /api/v1, a plain /health for load balancers. */
export function createApiServer(options: ApiServerOptions): http.Server {
  const { maxPayloadBytes, ...deps } = options;
  // Both faces answer an unexpected error with an opaque 500; the log is where its details go.
  const logUnexpected = (
    error: { code: string; cause?: unknown },
    path: string | undefined,
    req: http.IncomingMessage,
  ) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      requestLogFor(req, deps.log).error('unexpected error', { path, error: error.cause ?? error });
    }
  };
  // Every line of a request carries its id: the procedures log through the context's `log`.
  const contextFor = (req: http.IncomingMessage) =>
    createContext({ ...deps, log: requestLogFor(req, deps.log) }, req.headers.authorization, maxPayloadBytes);
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
  const docsHtml = renderDocsPage(document);
  const routeOf = createRouteTemplates(document);

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0]!;
    const requestLog = startRequestLog(req, res, { log: deps.log, route: routeOf(req.method ?? 'GET', pathname) });
    if (pathname === '/api/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(openApiJson);
      return;
    }
    if (pathname === '/docs' || pathname === '/docs/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(docsHtml);
      return;
    }
    const isRest = pathname.startsWith(`${restBasePath}/`);
    // A declared length over the limit is refused before a byte of the body is read.
    if ((isRest || url.startsWith('/trpc/')) && Number(req.headers['content-length'] ?? 0) > maxPayloadBytes) {
      refuseTooLarge(res, maxPayloadBytes, isRest ? 'rest' : 'trpc');
      return;
    }
    if (isRest) {
      rest(req, res).catch((error: unknown) => {
        // A client that hangs up mid-body: nothing to answer; anything else is a bug worth a log line.
        requestLog.error('REST request failed before reaching a procedure', { error });
        sendRestInternalError(res);
      });
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
    sendNoRoute(
      res,
      `no route for ${req.method} ${pathname}; REST is under ${restBasePath}, tRPC under /trpc, docs at /docs`,
    );
  });
  server.requestTimeout = requestTimeoutMs;
  return server;
}
