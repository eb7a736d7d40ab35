// The JavaScript the start screen costs: dist/index.html's entry script, its modulepreload links and
// every chunk they import statically, each gzipped (zlib, level 9) and summed. Dynamic import()s
// (the viewer, Cornerstone, the API panel) are not followed: they load only when an envelope opens.
// `node scripts/bundle-size.mjs` prints the figure and exits 1 above the 250 kB budget.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 250 * 1000;

export function startScreenJs(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const entries = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => resolve(distDir, m[1]));
  const seen = new Map();
  const visit = (file) => {
    if (seen.has(file)) return;
    const code = readFileSync(file);
    seen.set(file, { raw: code.length, gzip: gzipSync(code, { level: 9 }).length });
    // Static imports only: `import ... from"./x.js"`, `import"./x.js"`, `export ... from"./x.js"`.
    for (const m of code.toString('utf8').matchAll(/(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]*?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      visit(resolve(dirname(file), m[1]));
    }
  };
  for (const e of entries) visit(e);
  return [...seen].map(([file, size]) => ({ file: relative(distDir, file), ...size }));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dist = resolve(import.meta.dirname, '..', 'dist');
  const files = startScreenJs(dist);
  const total = files.reduce((n, f) => n + f.gzip, 0);
  for (const f of files) console.log(`${f.file.padEnd(48)} ${String(f.raw).padStart(9)} B raw  ${String(f.gzip).padStart(8)} B gzip`);
  console.log(`start-screen JavaScript: ${(total / 1000).toFixed(1)} kB gzip (budget ${BUDGET_BYTES / 1000} kB)`);
  if (total > BUDGET_BYTES) process.exit(1);
}
