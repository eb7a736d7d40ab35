// `npm start`: serve the production build on localhost and print the link that opens the built-in
// signed, encrypted demo envelope (its demo key travels in the link's #fragment, never to a server).
import { readFileSync } from 'node:fs';
import { preview } from 'vite';

const port = Number(process.env.PORT ?? 4173);
const demos = JSON.parse(readFileSync(new URL('../dist/demo/index.json', import.meta.url), 'utf8'));
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
const base = `http://127.0.0.1:${port}/`;
console.log(`\nJMIX Viewer is running at ${base}`);
console.log(`Open the demo envelope:  ${base}${demos[0].link}`);
for (const d of demos.slice(1)) console.log(`  other demo (${d.title}): ${base}${d.link}`);
console.log('\nPress Ctrl+C to stop.');
process.on('SIGINT', () => server.httpServer.close(() => process.exit(0)));
