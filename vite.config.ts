import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

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

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path of any static host.
  base: './',
  plugins: [react()],
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
