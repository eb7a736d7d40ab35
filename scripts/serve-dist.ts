// A static host for dist/ under any sub-path, sending the headers docs/DEPLOY.md recommends: the
// recipe the sub-path e2e test exercises. `npx tsx scripts/serve-dist.ts --base /a/b/ --port 8080`.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.zip': 'application/zip',
};

/**
 * The strict policy of docs/DEPLOY.md, the same as index.html's <meta> baseline plus frame-ancestors
 * (which only a header can carry). `connectExtra` widens connect-src (e.g. a JMIX server over http);
 * the page's own <meta> policies still narrow connect-src to the link's origin (src/ui/csp.ts).
 */
export function contentSecurityPolicy(connectExtra: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    `connect-src 'self' blob: https: ${connectExtra.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Hashed build output never changes; everything else must be revalidated so a new build is seen. */
export function cacheControl(relPath: string): string {
  return relPath.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export interface DistServerOptions {
  root: string;
  /** Sub-path with leading and trailing slash, e.g. '/a/b/'. */
  base: string;
  host?: string;
  port?: number;
  connectExtra?: string[];
  /** Change a served text file (tests use it to publish a "new build" of sw.js). */
  transform?: (relPath: string, text: string) => string;
  /** Answer a request before the static files (tests mount a same-origin JMIX API here); true = handled. */
  before?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

export interface DistServer {
  server: Server;
  /** The site's URL, ending in the base path. */
  url: string;
  close(): Promise<void>;
}

export async function startDistServer(opts: DistServerOptions): Promise<DistServer> {
  const root = resolve(opts.root);
  const base = opts.base.endsWith('/') ? opts.base : `${opts.base}/`;
  const csp = contentSecurityPolicy(opts.connectExtra);
  const server = createServer(async (req, res) => {
    try {
      if (opts.before && (await opts.before(req, res))) return;
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
      if (path === base.slice(0, -1)) {
        // Relative asset URLs need the trailing slash.
        res.writeHead(301, { location: base }).end();
        return;
      }
      if (!path.startsWith(base) || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      let rel = path.slice(base.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(root, rel));
      if (!file.startsWith(root + sep)) {
        res.writeHead(404).end();
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const headers: Record<string, string> = {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': cacheControl(rel),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      };
      if (rel.endsWith('.html')) headers['content-security-policy'] = csp;
      const transform = opts.transform;
      if (transform && /\.(js|html|json|webmanifest)$/.test(rel)) {
        const { readFile } = await import('node:fs/promises');
        const body = Buffer.from(transform(rel, await readFile(file, 'utf8')));
        res.writeHead(200, { ...headers, 'content-length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      res.writeHead(200, { ...headers, 'content-length': String(info.size) });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
  await new Promise<void>((ok) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('The static server has no port.');
  return {
    server,
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}${base}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('serve-dist.ts')) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
  };
  const { url } = await startDistServer({
    root: resolve(import.meta.dirname, '..', 'dist'),
    base: arg('base', '/'),
    host: arg('host', '127.0.0.1'),
    port: Number(arg('port', '8080')),
  });
  console.log(`Serving dist/ at ${url}`);
}
