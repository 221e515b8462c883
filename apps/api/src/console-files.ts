import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';

/** Where the console is served; everything under it is a file of the built console. */
export const consolePath = '/console';

/** The console's build output in this repository (`npm run build`, or `npm start` when it is missing). */
export const defaultConsoleDir = path.resolve(import.meta.dirname, '../../console/dist');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Every answer under /console carries these: the page may load only its own scripts and styles and
 * talk only to this API (a script injected through some bug could not send a key elsewhere), may not be
 * framed (clickjacking a "Replay" button), and no file is sniffed into another type.
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function send(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body: string | Buffer,
) {
  res.writeHead(status, { ...securityHeaders, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const sendText = (req: http.IncomingMessage, res: http.ServerResponse, status: number, text: string) =>
  send(req, res, status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, text);

/** The file a request path names inside `dir`, or null when it would leave it (or cannot be decoded). */
function fileFor(dir: string, pathname: string): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(consolePath.length + 1));
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  const file = path.resolve(dir, relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative);
  return file.startsWith(dir + path.sep) ? file : null;
}

/**
 * Serves the built console's static files under /console, GET and HEAD only. Vite names every asset
 * by its content hash, so assets are cached for good; index.html is revalidated so a new build shows.
 */
export function createConsoleFiles(dir: string = defaultConsoleDir) {
  const root = path.resolve(dir);
  return async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, 405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'GET or HEAD only\n');
      return;
    }
    if (pathname === consolePath) {
      send(req, res, 308, { location: `${consolePath}/`, 'content-type': 'text/plain; charset=utf-8' }, '');
      return;
    }
    const file = fileFor(root, pathname);
    if (!file) {
      sendText(req, res, 404, 'not found\n');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ENOTDIR') throw error;
      const built = await readFile(path.join(root, 'index.html')).then(
        () => true,
        () => false,
      );
      sendText(
        req,
        res,
        404,
        built ? 'not found\n' : 'The console is not built: run `npm run build` (or `npm start`).\n',
      );
      return;
    }
    const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
    send(
      req,
      res,
      200,
      {
        'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body,
    );
  };
}
