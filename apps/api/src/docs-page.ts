import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type http from 'node:http';
import path from 'node:path';

/** Where the reference page loads its renderer from: this server, never a CDN, so it works offline. */
export const docsAssetPath = '/docs/assets/api-reference.js';

// Scalar's standalone bundle: one file with the renderer, its styles and its request samples. `npm run build`
// copies it next to the compiled app (so a production install needs none of Scalar's dependencies); from
// source it is read from node_modules.
export const rendererFileName = 'api-reference.js';
function rendererFile(): string {
  const besideBundle = path.join(import.meta.dirname, rendererFileName);
  if (existsSync(besideBundle)) return besideBundle;
  return path.join(
    path.dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')),
    'browser',
    'standalone.js',
  );
}

// What the renderer is told: the document to read, and nothing fetched from elsewhere (its default
// fonts come from a CDN; the system's fonts do instead).
const configuration = {
  url: '/api/openapi.json',
  withDefaultFonts: false,
  hideClientButton: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  // Every operation listed and rendered at once, so a reader (and the browser test) can search the page.
  defaultOpenAllTags: true,
};

/**
 * The reference page at /docs: every operation with its parameters, bodies, responses, examples and
 * request samples, rendered in the browser by Scalar from /api/openapi.json. The page is configured by
 * attributes, not inline script, so a strict Content-Security-Policy can forbid inline code.
 */
export const docsPageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hookline API reference</title>
</head>
<body>
<noscript>The reference page needs JavaScript. The OpenAPI document itself is at <a href="/api/openapi.json">/api/openapi.json</a>.</noscript>
<script id="api-reference" data-configuration="${JSON.stringify(configuration).replace(/"/g, '&quot;')}"></script>
<script src="${docsAssetPath}"></script>
</body>
</html>
`;

/**
 * Scripts only from this server (the renderer), never inline; no site may frame the page (clickjacking).
 * Styles may be inline because the renderer injects its stylesheet at run time; a style cannot run code.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

let renderer: Promise<Buffer> | undefined;

/** Answers /docs and its renderer, to GET and HEAD only (405 otherwise); anything else under /docs/ is a 404. */
export function serveDocs(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res
      .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 'method_not_allowed', message: `${req.method} is not allowed on /docs; use GET` }));
    return;
  }
  const body = (content: string | Buffer) => (req.method === 'HEAD' ? undefined : content);
  if (pathname === '/docs' || pathname === '/docs/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...securityHeaders }).end(body(docsPageHtml));
    return;
  }
  if (pathname !== docsAssetPath) {
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 'not_found', message: `no page ${pathname}; the reference is at /docs` }));
    return;
  }
  // Read once, on first use: most API processes never serve the page.
  renderer ??= readFile(rendererFile());
  renderer.then(
    (script) =>
      res
        .writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'public, max-age=3600',
          ...securityHeaders,
        })
        .end(body(script)),
    () => {
      renderer = undefined;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('the reference renderer is missing from this install');
    },
  );
}
