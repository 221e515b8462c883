import type http from 'node:http';
import type { Metrics } from './metrics';
import type { Readiness } from './readiness';

/** The paths every Hookline process answers for its operator, whatever else it serves. */
export const statusPaths = ['/health', '/ready', '/metrics'] as const;

/**
 * Answers GET /health (alive: no database call), /ready (200, or 503 with the reason) and /metrics
 * (Prometheus text; 404 when metrics are off). Returns false for any other path, untouched.
 */
export function serveStatus(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  { metrics, readiness }: { metrics: Metrics; readiness: Readiness },
): boolean {
  const pathname = (req.url ?? '/').split('?')[0];
  if (pathname === '/health') {
    sendJson(res, 200, { status: 'ok' });
    return true;
  }
  if (pathname === '/ready') {
    readiness().then(
      (answer) =>
        answer.ready
          ? sendJson(res, 200, { status: 'ready' })
          : sendJson(res, 503, { status: 'unavailable', reason: answer.reason }),
      (error: unknown) => sendJson(res, 503, { status: 'unavailable', reason: String(error) }),
    );
    return true;
  }
  if (pathname === '/metrics') {
    metrics.render().then(
      (rendered) => {
        if (!rendered) sendJson(res, 404, { code: 'not_found', message: 'metrics are off (HOOKLINE_METRICS=off)' });
        else res.writeHead(200, { 'content-type': rendered.contentType }).end(rendered.body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`);
      },
    );
    return true;
  }
  return false;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
