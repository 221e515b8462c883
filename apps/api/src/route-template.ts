import type { OpenAPIObject } from 'trpc-to-openapi';
import { appRouter } from './routers';
import { restBasePath } from './routers/rest';

/**
 * Names a request by its route template (`/api/v1/events/{eventId}`, `/trpc/events.publish`), never
 * by its raw path: logs and dashboards group by it, and the set of values stays small and known.
 */
export function createRouteTemplates(document: OpenAPIObject): (method: string, pathname: string) => string {
  const restRoutes = Object.entries(document.paths ?? {}).flatMap(([template, operations]) =>
    Object.keys(operations ?? {}).map((method) => ({
      method: method.toUpperCase(),
      template: `${restBasePath}${template}`,
      pattern: new RegExp(`^${restBasePath}${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    })),
  );
  const procedures = new Set(Object.keys(appRouter._def.procedures));
  const fixed = new Set(['/health', '/ready', '/metrics', '/docs', '/api/openapi.json']);

  return (method, pathname) => {
    if (pathname.startsWith('/trpc/')) {
      const procedure = pathname.slice('/trpc/'.length);
      return procedures.has(procedure) ? pathname : '/trpc/{unknown}';
    }
    if (pathname.startsWith(`${restBasePath}/`)) {
      const route = restRoutes.find((r) => r.method === method && r.pattern.test(pathname));
      return route?.template ?? `${restBasePath}/{unknown}`;
    }
    if (pathname === '/docs/') return '/docs';
    return fixed.has(pathname) ? pathname : '{unknown}';
  };
}
