import { useEffect, useState } from 'react';

/**
 * The pages, addressed by the URL's hash (#/events/evt_…): the API serves one index.html, and a
 * link typed by hand or bookmarked opens the same page. Query parameters carry a page's filters.
 */
export type Route =
  | { page: 'overview' }
  | { page: 'applications' }
  | { page: 'endpoints'; appId: string }
  | { page: 'events'; appId: string; params: URLSearchParams }
  | { page: 'event'; eventId: string }
  | { page: 'delivery'; deliveryId: string }
  | { page: 'dead-letters'; params: URLSearchParams }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const [rawPath = '', query = ''] = hash.replace(/^#/, '').split('?');
  const path = rawPath || '/';
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { page: 'overview' };
  if (first === 'applications' && parts.length === 1) return { page: 'applications' };
  if (first === 'applications' && second && third === 'endpoints' && parts.length === 3)
    return { page: 'endpoints', appId: second };
  if (first === 'applications' && second && third === 'events' && parts.length === 3)
    return { page: 'events', appId: second, params };
  if (first === 'events' && second && parts.length === 2) return { page: 'event', eventId: second };
  if (first === 'deliveries' && second && parts.length === 2) return { page: 'delivery', deliveryId: second };
  if (first === 'dead-letters' && parts.length === 1) return { page: 'dead-letters', params };
  return { page: 'not-found', path };
}

/** A link target for a page: `href(['events', id])` → `#/events/evt_…`. */
export function href(parts: string[], params?: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) if (value) query.set(name, value);
  const search = query.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

export function navigate(target: string): void {
  window.location.hash = target.replace(/^#/, '');
}

export function useRoute(): Route {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}
