import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// Cornerstone3D 5.x in Vite 8 (see the team's toolchain notes):
// - the `events` package must be installed so xmlbuilder2 (pulled in by vtk.js) does not get the
//   externalised Node built-in, which would crash the bundle on load;
// - the codec glue is pre-bundled for the dev server, or the decode worker dies silently;
// - the decode worker is a module worker.
const cornerstoneCodecs = [
  '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
  '@cornerstonejs/codec-charls/decodewasmjs',
  '@cornerstonejs/codec-openjpeg/decodewasmjs',
  '@cornerstonejs/codec-openjph/wasmjs',
];

// The demo envelopes are cached at run time (CacheFirst, after first use), not precached: 44 MB on a
// first visit would be unkind. The cache name carries a hash of their bytes, so a build with new demos
// never serves old ones next to a new index.json (the page deletes caches of other builds).
function demoCacheName(): string {
  const dir = join(import.meta.dirname, 'public', 'demo');
  const hash = createHash('sha256');
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return `jmix-demos-${hash.digest('hex').slice(0, 12)}`;
}
const DEMO_CACHE = demoCacheName();

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path of any static host.
  base: './',
  define: { __DEMO_CACHE__: JSON.stringify(DEMO_CACHE) },
  plugins: [
    react(),
    VitePWA({
      // 'prompt': a new service worker waits; src/ui/pwa.ts applies it at once on the start screen (reload,
      // then an "updated" notice) or offers it while an envelope is open. Never a half-old app.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.png', 'icons/*.svg', 'demo/index.json'],
      manifest: {
        name: 'JMIX Viewer',
        short_name: 'JMIX Viewer',
        description: 'Open, decrypt and verify JMIX medical imaging envelopes in the browser. Nothing is uploaded.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1d4e89',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The app shell, every chunk, worker and codec WASM; not the e2e viewer harness.
        globPatterns: ['**/*.{js,mjs,css,html,wasm,webmanifest,png,svg}', 'demo/index.json'],
        globIgnores: ['viewer-harness.html', 'assets/harness-*.js', 'demo/*.zip'],
        // Cornerstone's chunk is 3.5 MB; the default 2 MiB limit would leave the viewer online-only.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        clientsClaim: true,
        skipWaiting: false,
        cleanupOutdatedCaches: true,
        // No catch-all navigation fallback: the precache answers the site's own pages ('./' maps to
        // index.html), and any other address under the scope (a same-origin JMIX API behind a proxy,
        // a demo zip, the test harness) goes to the network untouched.
        navigateFallback: null,
        runtimeCaching: [
          {
            // Only this site's own demo envelopes; other origins and the #api endpoints are never intercepted.
            urlPattern: ({ url, sameOrigin }) =>
              sameOrigin &&
              url.href.startsWith(`${(self as unknown as { registration: { scope: string } }).registration.scope}demo/`) &&
              url.pathname.endsWith('.zip'),
            handler: 'CacheFirst',
            options: { cacheName: DEMO_CACHE, cacheableResponse: { statuses: [200] } },
          },
        ],
      },
    }),
  ],
  optimizeDeps: { include: cornerstoneCodecs },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
    rollupOptions: {
      // viewer-harness.html drives the viewer alone in the e2e tests (plain DICOM files, no envelope).
      input: { main: 'index.html', harness: 'viewer-harness.html' },
    },
  },
  preview: { port: 4173, strictPort: true },
});
