import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { OpenAPIObject } from 'trpc-to-openapi';

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown; example?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
  security?: unknown[];
};

const pageStyle = `
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.75rem;overflow:auto;border-radius:4px}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5em;font-size:12px;padding:2px 6px;border-radius:3px;color:#fff;text-align:center}
.get{background:#2b7bb9}.post{background:#2f9e44}.patch{background:#d97706}.delete{background:#c92a2a}.put{background:#7048e8}
small{color:#666}summary{cursor:pointer}
`;

/**
 * The page loads nothing and runs nothing: the policy allows its one inline style (by hash) and no
 * script, frame, form or plugin, and no site may frame it (clickjacking).
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(pageStyle).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the page to GET and HEAD with its security headers; any other method is a 405. */
export function sendDocsPage(req: http.IncomingMessage, res: http.ServerResponse, html: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res
      .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 'method_not_allowed', message: `${req.method} is not allowed on /docs; use GET` }));
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

/**
 * A self-contained reference page rendered from the OpenAPI document: no CDN, no script, so it
 * works on an air-gapped install. Every operation with its parameters, body and responses.
 */
export function renderDocsPage(document: OpenAPIObject): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const tag = op.tags?.[0] ?? 'other';
      const body = op.requestBody?.content?.['application/json'];
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escape(p.name)}</code> (${p.in}${p.required ? ', required' : ''})</li>`)
        .join('');
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><b>${status}</b> ${escape(r.description ?? '')}</li>`)
        .join('');
      const html = `<section id="${escape(op.operationId ?? path)}">
  <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>/api/v1${escape(path)}</code></h3>
  <p>${escape(op.summary ?? '')} <small>operationId <code>${escape(op.operationId ?? '')}</code>${op.security ? ' · needs an API key' : ''}</small></p>
  ${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}
  ${body ? `<details><summary>Request body</summary>${body.example ? `<h4>Example</h4>${json(body.example)}` : ''}${json(body.schema)}</details>` : ''}
  ${(() => {
    const ok = op.responses?.['200']?.content?.['application/json']?.schema;
    return ok ? `<details><summary>Response 200</summary>${json(ok)}</details>` : '';
  })()}
  <h4>Responses</h4><ul>${responses}</ul>
</section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const schemas = Object.entries((document.components?.schemas ?? {}) as Record<string, unknown>)
    .map(
      ([name, schema]) =>
        `<details id="schema-${escape(name)}"><summary><code>${escape(name)}</code></summary>${json(schema)}</details>`,
    )
    .join('\n');
  const nav = [...byTag.keys()].map((t) => `<a href="#tag-${escape(t)}">${escape(t)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)} reference</title>
<style>${pageStyle}</style></head><body>
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>${escape(document.info.description ?? '')}</p>
<p>Authenticate with <code>Authorization: Bearer hk_…</code>. Errors are <code>{ code, message, issues? }</code>. The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<nav>${nav} · <a href="#schemas">schemas</a></nav>
${[...byTag.entries()].map(([tag, ops]) => `<h2 id="tag-${escape(tag)}">${escape(tag)}</h2>\n${ops.join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas}
</body></html>`;
}
