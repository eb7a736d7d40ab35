// The in-page half of the bench (scripts/bench-entry.ts) bundled with Vite's lib mode, and the
// local server that hands it and the fixtures to the page.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { build } from 'vite';
import { BUILD, FIXTURES, ROOT } from './options.ts';

export async function buildBundle(): Promise<void> {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir: BUILD,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      lib: { entry: join(ROOT, 'scripts/bench-entry.ts'), formats: ['es'], fileName: () => 'bench-entry.js' },
    },
  });
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/build/bench-entry.js"></script>`;
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html' };

export function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    // Cross-origin isolation, so performance.measureUserAgentSpecificMemory can exist.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      res.setHeader('Content-Type', 'text/html');
      res.end(PAGE);
      return;
    }
    const base = path.startsWith('/build/') ? BUILD : path.startsWith('/fixtures/') ? FIXTURES : null;
    const file = base ? normalize(join(base, path.replace(/^\/(build|fixtures)\//, ''))) : null;
    if (!base || !file || !file.startsWith(base) || !existsSync(file)) {
      res.statusCode = 404;
      res.end(`not found: ${path}`);
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String((await stat(file)).size));
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/` });
    }),
  );
}
