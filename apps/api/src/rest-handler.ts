import type http from 'node:http';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import type { Context } from './context';
import { appRouter } from './routers';
import { restBasePath } from './routers/rest';
import { prepareRestRequest } from './rest-request';
import { reshapeRestErrors, sendRestError } from './wire-errors';

/**
 * REST under /api/v1, served by trpc-to-openapi from the same procedures as tRPC. Its error body
 * is reshaped (wire-errors.ts) into Hookline's one error shape, `{ code, message, issues? }`, with
 * the stable snake_case code the tRPC error formatter already chose.
 */
export function createRestHandler({
  createContext,
  maxBodySize,
  onError,
}: {
  createContext: (req: http.IncomingMessage) => Promise<Context>;
  maxBodySize: number;
  onError: (error: { code: string; cause?: unknown }, path: string | undefined, req: http.IncomingMessage) => void;
}) {
  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }) => createContext(req),
    maxBodySize,
    onError: ({ error, path, req }) => onError(error, path, req),
  });

  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.url = req.url!.slice(restBasePath.length) || '/';
    const problem = await prepareRestRequest(req, maxBodySize);
    if (problem) {
      sendRestError(res, problem);
      return;
    }
    reshapeRestErrors(res);
    await handler(req, res);
  };
}
