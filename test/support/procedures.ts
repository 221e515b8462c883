import { appRouter } from '@hookline/api';

export type ProcedureInfo = { path: string; type: 'query' | 'mutation' | 'subscription' };

/**
 * Every procedure of the router, read from the router itself: tests that must cover all of them
 * (tenant isolation, robustness) fail when a new one is added without being covered.
 */
export function listProcedures(): ProcedureInfo[] {
  const procedures = (
    appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: ProcedureInfo['type'] } }> } }
  )._def.procedures;
  return Object.entries(procedures).map(([path, procedure]) => ({ path, type: procedure._def.type }));
}

export type RawResponse = { status: number; body: unknown; text: string };

/**
 * Calls a procedure over plain HTTP as any non-TypeScript client would: a query as
 * GET /trpc/<path>?input=<json>, a mutation as POST with a JSON body. `rawBody` sends bytes as they are.
 */
export async function callRaw(
  baseUrl: string,
  {
    path,
    type,
    apiKey,
    input,
    rawBody,
    method,
  }: { path: string; type: ProcedureInfo['type']; apiKey?: string; input?: unknown; rawBody?: string; method?: string },
): Promise<RawResponse> {
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const useGet = (method ?? (type === 'query' ? 'GET' : 'POST')) === 'GET';
  const encoded = rawBody ?? (input === undefined ? undefined : JSON.stringify(input));
  const url =
    useGet && encoded !== undefined
      ? `${baseUrl}/trpc/${path}?input=${encodeURIComponent(encoded)}`
      : `${baseUrl}/trpc/${path}`;
  const response = await fetch(url, {
    method: useGet ? 'GET' : 'POST',
    headers: useGet ? headers : { ...headers, 'content-type': 'application/json' },
    body: useGet ? undefined : encoded,
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (e.g. Node's own 431 for an oversized URL); the text is kept for the assertion message.
  }
  return { status: response.status, body, text };
}
