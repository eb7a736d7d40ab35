// Where the CPU goes in one open of a bench fixture: records a Chrome trace with V8's sampling
// profiler on every thread (the page, the pipeline worker, the hash worker), then prints the top
// functions by self time per thread. A tool for deciding what to optimise, not a measurement to quote
// (the profiler slows everything a little):
// npx tsx scripts/bench/profile-open.ts <fixture-label> [top=25]. Needs bench/.app (npm run bench builds it).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchFixture, launchBenchApp, pageWithFixture } from './fixture-page.ts';

const [label = 'enc-rs-1GiB', top = '25'] = process.argv.slice(2);
const fx = await benchFixture(label);
const app = await launchBenchApp();
const page = await pageWithFixture(app.browser, app.url, fx);
const root = join(import.meta.dirname, '..', '..');
const tracePath = join(root, 'bench', 'profile-trace.json');
await app.browser.startTracing(page, { path: tracePath, categories: ['disabled-by-default-v8.cpu_profiler', 'v8', 'devtools.timeline'] });
if (fx.privateKeyB64) await page.getByRole('button', { name: 'Decrypt' }).click();
await page.waitForFunction(() => document.querySelector('[data-testid="viewer-status"]')?.textContent === 'rendered', null, {
  polling: 100,
  timeout: 180_000,
});
await app.browser.stopTracing();
await app.close();

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  parent?: number;
}
const trace = JSON.parse(await readFile(tracePath, 'utf8')) as {
  traceEvents: {
    name: string;
    pid: number;
    tid: number;
    id?: string;
    args?: { data?: { cpuProfile?: { nodes?: Node[]; samples?: number[] }; timeDeltas?: number[] }; name?: string };
  }[];
};
const threadNames = new Map<string, string>();
for (const e of trace.traceEvents) if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
// Profiles arrive in chunks per profile id; nodes are cumulative, samples pair with timeDeltas (µs).
const profiles = new Map<string, { thread: string; nodes: Map<number, Node>; self: Map<number, number> }>();
for (const e of trace.traceEvents) {
  if (e.name !== 'ProfileChunk') continue;
  const key = `${e.pid}:${e.id}`;
  let p = profiles.get(key);
  if (!p) profiles.set(key, (p = { thread: threadNames.get(`${e.pid}:${e.tid}`) ?? `tid ${e.tid}`, nodes: new Map(), self: new Map() }));
  const data = e.args?.data;
  for (const n of data?.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n);
  const samples = data?.cpuProfile?.samples ?? [];
  const deltas = data?.timeDeltas ?? [];
  samples.forEach((id, i) => p!.self.set(id, (p!.self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0)));
}
for (const p of profiles.values()) {
  const byFn = new Map<string, number>();
  let total = 0;
  for (const [id, us] of p.self) {
    const n = p.nodes.get(id);
    const f = n
      ? `${n.callFrame.functionName || '(anonymous)'} ${(n.callFrame.url ?? '').split('/').pop()}:${(n.callFrame.lineNumber ?? 0) + 1}`
      : `node ${id}`;
    byFn.set(f, (byFn.get(f) ?? 0) + us);
    if (!/\((idle|program)\)/.test(f)) total += us;
  }
  if (total < 200_000) continue;
  console.log(`\n${p.thread}: ${(total / 1e6).toFixed(2)} s busy (samples, excluding idle)`);
  for (const [f, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    console.log(`  ${(us / 1e6).toFixed(2).padStart(6)} s  ${f}`);
}
