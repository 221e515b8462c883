import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Log } from '@hookline/log';

// A caller's id is kept only when it is short and plain, so it cannot forge log fields or flood a line.
const saneRequestId = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

const logs = new WeakMap<http.IncomingMessage, Log>();

/**
 * Gives a request its id (the caller's `x-request-id` when sane, else a new one), echoes it as the
 * `x-request-id` response header, and writes one access line when the response is done: method,
 * route template, status and milliseconds. Returns the logger every line of this request uses.
 */
export function startRequestLog(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  { log, route }: { log: Log; route: string },
): Log {
  const sent = req.headers['x-request-id'];
  const requestId = typeof sent === 'string' && saneRequestId.test(sent) ? sent : randomUUID();
  res.setHeader('x-request-id', requestId);
  const requestLog = log.child({ requestId });
  logs.set(req, requestLog);
  const startedAt = performance.now();
  res.once('close', () => {
    const fields = {
      method: req.method,
      route,
      status: res.statusCode,
      ms: Math.round((performance.now() - startedAt) * 10) / 10,
      ...(res.writableFinished ? {} : { aborted: true }),
    };
    if (res.statusCode >= 500) requestLog.warn('request', fields);
    else requestLog.info('request', fields);
  });
  return requestLog;
}

/** The logger of a request started with startRequestLog (the fallback for one that was not). */
export function requestLogFor(req: http.IncomingMessage, fallback: Log): Log {
  return logs.get(req) ?? fallback;
}
