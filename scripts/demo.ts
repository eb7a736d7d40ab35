// Writes the demo envelopes into public/demo/ (copied into dist/ by Vite) with an index the start
// screen reads. Run by `npm run build`; deterministic, so re-running changes nothing.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoEnvelopes, demoLink } from './demo-envelopes.ts';

const out = join(import.meta.dirname, '..', 'public', 'demo');
await mkdir(out, { recursive: true });
const demos = await demoEnvelopes();
for (const d of demos) await writeFile(join(out, d.file.replace(/^demo\//, '')), d.bytes);
const index = demos.map(({ name, file, title, sentence, needsKey }) => ({
  name,
  file,
  title,
  sentence,
  needsKey,
  link: demoLink(demos.find((x) => x.name === name)!),
}));
await writeFile(join(out, 'index.json'), JSON.stringify(index, null, 2));
console.log(`demo envelopes: ${demos.map((d) => `${d.file} (${(d.bytes.length / 1e6).toFixed(1)} MB)`).join(', ')}`);
