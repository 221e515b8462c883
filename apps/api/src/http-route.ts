import { statusPaths } from '@hookline/monitoring';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { appRouter } from './routers';
import { restBasePath } from './routers/rest';

type ProcedureDefs = Record<string, { _def: { meta?: OpenApiMeta } }>;

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const fixedRoutes = new Set<string>([...statusPaths, '/api/openapi.json', '/docs']);

/**
 * The `route` label of a request: a template, never the raw path, so the metrics' label values stay
 * bounded whatever callers send. REST requests get the OpenAPI path their procedure declares
 * (`/api/v1/events/{eventId}`), tRPC requests `/trpc/<procedure>` for a procedure that exists, the
 * server's own pages their path; anything else is `unmatched`.
 */
export function createRouteLabeler() {
  const procedures = (appRouter as unknown as { _def: { procedures: ProcedureDefs } })._def.procedures;
  const rest = Object.values(procedures)
    .flatMap(({ _def }) => (_def.meta?.openapi ? [_def.meta.openapi] : []))
    .map(({ method, path }) => ({
      method,
      template: `${restBasePath}${path}`,
      pattern: new RegExp(`^${restBasePath}${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
      // Literal segments win over parameters (`/events/batch` before `/events/{eventId}`).
      parameters: (path.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.parameters - b.parameters);
  const trpc = new Set(Object.keys(procedures));

  return {
    route(method: string | undefined, url: string | undefined): string {
      const pathname = (url ?? '/').split('?')[0]!;
      if (fixedRoutes.has(pathname)) return pathname;
      if (pathname === '/docs/') return '/docs';
      if (pathname.startsWith('/trpc/')) {
        const procedure = pathname.slice('/trpc/'.length);
        return trpc.has(procedure) ? `/trpc/${procedure}` : 'unmatched';
      }
      if (pathname.startsWith(`${restBasePath}/`)) {
        const found = rest.find((r) => r.method === method && r.pattern.test(pathname));
        if (found) return found.template;
      }
      return 'unmatched';
    },
    /** The method label: the request's, when it is one HTTP defines; `other` for anything invented. */
    method(method: string | undefined): string {
      return method && knownMethods.has(method) ? method : 'other';
    },
  };
}
