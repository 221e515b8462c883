import type http from 'node:http';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import type { Context } from './context';
import { describeIssues, type ValidationIssue } from './errors';
import { appRouter } from './routers';
import { restBasePath } from './routers/rest';
import { prepareRestRequest } from './rest-request';

type WireError = {
  message?: string;
  code?: string;
  data?: { code?: string; issues?: ValidationIssue[] };
};

/**
 * REST under /api/v1, served by trpc-to-openapi from the same procedures as tRPC. Its error body
 * is reshaped into Hookline's one error shape, `{ code, message, issues? }`, with the stable
 * snake_case code the tRPC error formatter already chose.
 */
export function createRestHandler({
  createContext,
  maxBodySize,
  onError,
}: {
  createContext: (req: http.IncomingMessage) => Promise<Context>;
  maxBodySize: number;
  onError: (error: { code: string; cause?: unknown }, path: string | undefined) => void;
}) {
  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }) => createContext(req),
    maxBodySize,
    onError: ({ error, path }) => onError(error, path),
  });

  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.url = req.url!.slice(restBasePath.length) || '/';
    const problem = await prepareRestRequest(req, maxBodySize);
    if (problem) {
      res
        .writeHead(problem.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: problem.code, message: problem.message }));
      return;
    }
    const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
    res.end = ((chunk?: unknown) => {
      if (res.statusCode >= 400 && typeof chunk === 'string')
        chunk = JSON.stringify(toErrorBody(JSON.parse(chunk) as WireError));
      return end(chunk);
    }) as typeof res.end;
    await handler(req, res);
  };
}

function toErrorBody(body: WireError) {
  const issues = body.data?.issues;
  return {
    code: body.data?.code ?? 'internal',
    // trpc-to-openapi says only "Input validation failed"; the issues say which field.
    message: issues?.length ? describeIssues(issues) : (body.message ?? 'error'),
    ...(issues?.length ? { issues } : {}),
  };
}
