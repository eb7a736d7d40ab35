// `npm run bench`: decryption throughput and memory in headless Chromium, against the same-run floor.
//   npm run bench                 ~100 MiB envelopes (a few minutes on 2 cores)
//   npm run bench -- --large      also 1 GiB (or BENCH_LARGE=1)
//   npm run bench -- --runs 5     timed runs per case (default 3, after one warm-up)
//   npm run bench -- --no-noble   skip the slow pure-JS GHASH comparison case
// Fixtures (plain and encrypted, zip and folder, made with fixtures/envelopes/pack.ts) are cached in
// bench/fixtures/; results go to bench/results.json and stdout.
// Memory: the peak RSS of Chromium's renderer process, sampled from /proc every 20 ms (the page's
// ArrayBuffers live outside the JS heap, so performance.memory would miss them).
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { chromiumArgs } from '../playwright.config.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { generateX25519KeyPair } from '../src/jmix/crypto/x25519.ts';
import type { Producer } from '../src/jmix/crypto/payload-cipher.ts';
import { writeZip } from '../src/jmix/archive/zip.ts';
import type { BenchApi } from './bench-entry.ts';
import { syntheticCtSeries } from '../fixtures/dicom/synth.ts';
import { packEnvelope, type PackDialect, type PackedEnvelope } from '../fixtures/envelopes/pack.ts';
import { writeFolder } from '../fixtures/envelopes/pack-node.ts';
import { buildApp, runAppCases, type AppCaseResult } from './bench/app.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const FIXTURES = join(BENCH, 'fixtures');
const BUILD = join(BENCH, '.build');
const FIXTURE_VERSION = 1;
const MiB = 1 << 20;
const SLICE = 512;
/** Bytes per 512×512 16-bit CT file: pixels plus ~1.5 KB of header. */
const SLICE_BYTES = SLICE * SLICE * 2 + 1500;
/** Encrypted fixtures are written as jmix-rs does: payload.enc, payload_hash = SHA-256 of the plaintext tar, files.json of every file. */
const ENC_DIALECT: PackDialect = 'jmix-rs';
const PLAIN_DIALECT: PackDialect = 'spec';
const HKDF_PRODUCER: Record<PackDialect, Producer> = { 'jmix-js': 'jmix-js', 'jmix-rs': 'jmix-rs', 'jmix-php': 'jmix-php', spec: 'jmix-php' };
const CHUNK_SIZES = [1 * MiB, 4 * MiB, 8 * MiB, 16 * MiB];

const argv = process.argv.slice(2);
const LARGE = argv.includes('--large') || process.env.BENCH_LARGE === '1';
/** Skip the slow pure-JS GHASH comparison (≈50 MB/s), e.g. for 1 GiB. */
const NO_NOBLE = argv.includes('--no-noble');
const RUNS = Math.max(3, Number(argv[argv.indexOf('--runs') + 1] ?? 3) || 3);
/** Only make (or check) the fixtures, e.g. ahead of a timed run. */
const FIXTURES_ONLY = argv.includes('--fixtures-only');
/** Skip the in-page building-block cases (floor always runs: the app ratios need it). */
const APP_ONLY = argv.includes('--app-only');
/** Skip the end-to-end app cases. */
const NO_APP = argv.includes('--no-app');
/** Reuse bench/.app (the last production build) instead of building again. */
const REUSE_BUILD = argv.includes('--reuse-build');
/** Which app cases to run, e.g. `--only enc` or `--only enc-rs-1GiB` (substring of the fixture label). */
const ONLY = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] ?? '' : '';
/** `--app-dir <dir>`: open this already-built app instead (e.g. a build of a patched tree). */
const APP_DIR = argv.includes('--app-dir') ? resolve(argv[argv.indexOf('--app-dir') + 1] ?? '') : null;
const APP_BUILD = APP_DIR ?? join(BENCH, '.app');
/** `--forms zip` or `--forms folder`: only that form of each fixture (default both). */
const FORMS = (argv.includes('--forms') ? (argv[argv.indexOf('--forms') + 1] ?? '').split(',') : ['zip', 'folder']).filter((f): f is 'zip' | 'folder' => f === 'zip' || f === 'folder');

// ---------------------------------------------------------------------------------------------
// Fixtures

interface FixtureMeta {
  version: number;
  label: string;
  encrypted: boolean;
  /** Which producer's layout and hash recipes the packer used (older cached fixtures: 'spec'). */
  dialect: PackDialect;
  ciphertextName: string | null;
  slices: number;
  rootName: string;
  /** Folder form: <dir>/folder/<rootName>/...; zip form: <dir>/envelope.zip. */
  folderBytes: number;
  zipBytes: number;
  ciphertextBytes: number | null;
  producer: Producer;
  /** Published on purpose: a throwaway key made for this fixture. */
  privateKeyB64: string | null;
}

function sizeLabel(bytes: number): string {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)}GiB` : `${bytes / MiB}MiB`;
}

async function fixture(target: number, encrypted: boolean): Promise<FixtureMeta & { dir: string }> {
  const dialect = encrypted ? ENC_DIALECT : PLAIN_DIALECT;
  const label = `${encrypted ? `enc-${dialect === 'jmix-rs' ? 'rs' : dialect}` : 'plain'}-${sizeLabel(target)}`;
  const dir = join(FIXTURES, label);
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as FixtureMeta;
    // Fixtures cached before the dialect was recorded were written with the spec dialect.
    if (meta.version === FIXTURE_VERSION) return { ...meta, dialect: meta.dialect ?? 'spec', ciphertextName: meta.ciphertextName ?? (encrypted ? 'payload.encrypted' : null), dir };
  }
  await rm(dir, { recursive: true, force: true });
  const slices = Math.round(target / SLICE_BYTES);
  const t0 = performance.now();
  const series = syntheticCtSeries(slices, SLICE, 11);
  const keys = encrypted ? generateX25519KeyPair() : null;
  const env: PackedEnvelope = await packEnvelope({
    dialect,
    payloadFiles: series.files.map((f) => ({ path: f.path, bytes: f.bytes })),
    ...(keys ? { encryptTo: keys.publicKey } : {}),
    id: `00000000-0000-4000-8000-${String(target).padStart(12, '0').slice(-12)}`,
    study: { studyUid: series.studyUid, description: 'BENCH CT', date: '20240101', series: [{ seriesUid: series.seriesUid, modality: 'CT', count: slices }] },
  });
  await writeFolder(env, join(dir, 'folder'));
  // Encrypted payloads do not compress: store them; deflate the plain one as producers do.
  const zip = writeZip(env.files.map((f) => ({ name: `${env.rootName}/${f.path}`, data: f.bytes })), { level: encrypted ? 0 : 6 });
  await writeFile(join(dir, 'envelope.zip'), zip);
  const ct = env.files.find((f) => f.path === 'payload.encrypted' || f.path === 'payload.enc');
  const meta: FixtureMeta = {
    version: FIXTURE_VERSION,
    label,
    encrypted,
    dialect,
    ciphertextName: ct ? ct.path : null,
    slices,
    rootName: env.rootName,
    folderBytes: env.files.reduce((n, f) => n + f.bytes.length, 0),
    zipBytes: zip.length,
    ciphertextBytes: ct ? ct.bytes.length : null,
    producer: HKDF_PRODUCER[dialect],
    privateKeyB64: keys ? bytesToBase64(keys.privateKey) : null,
  };
  await writeFile(metaPath, JSON.stringify(meta, null, 2));
  log(`  made ${label}: ${slices} slices, folder ${(meta.folderBytes / MiB).toFixed(1)} MiB, zip ${(meta.zipBytes / MiB).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { ...meta, dir };
}

// ---------------------------------------------------------------------------------------------
// Page bundle and server

async function buildBundle(): Promise<void> {
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

function serve(): Promise<{ server: Server; url: string }> {
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
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    ok({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/` });
  }));
}

// ---------------------------------------------------------------------------------------------
// Memory: renderer RSS from /proc

async function rendererPids(browser: Browser): Promise<number[]> {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    await cdp.detach();
    return info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  } catch {
    return [];
  }
}

async function rssBytes(pid: number): Promise<number> {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the summed renderer RSS until stopped; returns the peak and the value at start. */
function sampleRss(pids: number[]): { stop: () => Promise<{ peak: number; start: number }> } {
  let peak = 0;
  let start = -1;
  let running = true;
  const loop = (async () => {
    while (running) {
      let sum = 0;
      for (const pid of pids) sum += await rssBytes(pid);
      if (start < 0) start = sum;
      peak = Math.max(peak, sum);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, start };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Cases

interface CaseResult {
  name: string;
  fixture: string;
  runsMs: number[];
  medianMs: number;
  mbPerS: number;
  peakRssMiB: number | null;
  /** Peak RSS above the RSS at the start of the run (the ciphertext is already resident). */
  peakRssAboveStartMiB: number | null;
  ratioToFloor: number | null;
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function gc(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { gc?: () => void }).gc?.());
  await new Promise((r) => setTimeout(r, 200));
}

async function runCase(
  page: Page,
  pids: number[],
  name: string,
  fixture: string,
  bytes: number,
  run: () => Promise<{ ms: number; [k: string]: unknown }>,
): Promise<CaseResult & { extra: Record<string, unknown>[] }> {
  await gc(page);
  await run(); // warm-up: JIT, key import paths, first-touch of allocator pools
  const runsMs: number[] = [];
  const peaks: number[] = [];
  const above: number[] = [];
  const extra: Record<string, unknown>[] = [];
  for (let i = 0; i < RUNS; i++) {
    await gc(page);
    const sampler = pids.length ? sampleRss(pids) : null;
    await new Promise((r) => setTimeout(r, 40)); // let the sampler take its starting reading
    const r = await run();
    const mem = await sampler?.stop();
    runsMs.push(r.ms);
    extra.push(r);
    if (mem) {
      peaks.push(mem.peak);
      above.push(mem.peak - mem.start);
    }
  }
  const medianMs = median(runsMs);
  const result = {
    name,
    fixture,
    runsMs: runsMs.map((x) => Math.round(x)),
    medianMs: Math.round(medianMs),
    mbPerS: Math.round(bytes / 1e6 / (medianMs / 1000)),
    peakRssMiB: peaks.length ? Math.round(Math.max(...peaks) / MiB) : null,
    peakRssAboveStartMiB: above.length ? Math.round(Math.max(...above) / MiB) : null,
    ratioToFloor: null,
    extra,
  };
  log(`  ${name.padEnd(34)} ${String(result.medianMs).padStart(7)} ms  ${String(result.mbPerS).padStart(5)} MB/s  peak RSS ${result.peakRssMiB ?? '?'} MiB (+${result.peakRssAboveStartMiB ?? '?'})`);
  return result;
}

/**
 * EXTENSION POINT for the end-to-end app timings (start → verified → first image → all series
 * indexed, against the production build). Add an AppCase here; it gets the running browser, the
 * fixtures (folder and zip paths) and this run's floor, and returns named figures in seconds/MiB,
 * which are merged into results.json under "app".
 */
export interface BenchContext {
  browser: Browser;
  fixtures: (FixtureMeta & { dir: string })[];
  floorMsByFixture: Record<string, number>;
  runs: number;
  rendererPids: () => Promise<number[]>;
}
export interface AppCase {
  name: string;
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}
const APP_CASES: AppCase[] = [];

// ---------------------------------------------------------------------------------------------

/** --app-only: the floor alone (it is what the app's open-to-verified is compared with). */
function floorOnly(fxResults: CaseResult[], floor: CaseResult, results: CaseResult[]): void {
  floor.ratioToFloor = 1;
  delete (floor as Partial<CaseResult & { extra: unknown }>).extra;
  results.push(floor);
  fxResults.length = 0;
}

function log(s: string): void {
  process.stdout.write(s + '\n');
}

async function main(): Promise<void> {
  const targets = LARGE ? [100 * MiB, 1024 * MiB] : [100 * MiB];
  await mkdir(FIXTURES, { recursive: true });
  log(`bench: ${targets.map(sizeLabel).join(' + ')}, ${RUNS} timed runs per case (median), after one warm-up`);
  log('fixtures (bench/fixtures, reused when present):');
  const fixtures: (FixtureMeta & { dir: string })[] = [];
  for (const t of targets) {
    fixtures.push(await fixture(t, false));
    fixtures.push(await fixture(t, true));
  }
  for (const f of fixtures) log(`  ${f.label.padEnd(14)} ${f.dialect.padEnd(8)} ${f.slices} slices  folder ${(f.folderBytes / MiB).toFixed(1)} MiB  zip ${(f.zipBytes / MiB).toFixed(1)} MiB${f.ciphertextName ? `  ${f.ciphertextName} ${(f.ciphertextBytes! / MiB).toFixed(1)} MiB` : ''}`);
  if (FIXTURES_ONLY) return;
  await buildBundle();
  const { server, url } = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, '--js-flags=--expose-gc'],
    headless: true,
  });
  const results: CaseResult[] = [];
  const floorMsByFixture: Record<string, number> = {};
  let memorySource = 'renderer process RSS (/proc/<pid>/status VmRSS, via CDP SystemInfo.getProcessInfo), sampled every 20 ms';
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in globalThis);
    const env = await page.evaluate(() => ({
      isolated: globalThis.crossOriginIsolated,
      uasm: 'measureUserAgentSpecificMemory' in performance,
      ua: navigator.userAgent,
      cores: navigator.hardwareConcurrency,
    }));
    const pids = await rendererPids(browser);
    if (!pids.length) memorySource = 'unavailable (no renderer pid from CDP)';
    log(`chromium: ${env.ua.match(/Chrome\/[\d.]+/)?.[0] ?? env.ua}, ${env.cores} cores, crossOriginIsolated=${env.isolated}, measureUserAgentSpecificMemory=${env.uasm} (not used: it reports after GC, not peaks)`);
    log(`memory: ${memorySource}`);

    for (const fx of fixtures.filter((f) => f.encrypted)) {
      const bytes = fx.ciphertextBytes!;
      log(`\n${fx.label}: ${fx.ciphertextName} ${(bytes / MiB).toFixed(1)} MiB (${bytes.toLocaleString('en')} B)`);
      const base = `fixtures/${fx.label}/folder/${fx.rootName}`;
      await page.evaluate(
        (a) => (globalThis as unknown as { bench: BenchApi }).bench.load(a),
        { ciphertextUrl: `${url}${base}/${fx.ciphertextName}`, manifestUrl: `${url}${base}/manifest.json`, privateKeyB64: fx.privateKeyB64!, producer: fx.producer },
      );
      const call = <K extends keyof BenchApi>(k: K, ...args: Parameters<BenchApi[K]>) =>
        page.evaluate(({ k, args }) => ((globalThis as unknown as { bench: Record<string, (...a: unknown[]) => unknown> }).bench[k]!(...args)), { k, args }) as Promise<Awaited<ReturnType<BenchApi[K]>>>;
      const fxResults: CaseResult[] = [];
      const add = async (name: string, run: () => Promise<{ ms: number }>) => {
        const r = await runCase(page, pids, name, fx.label, bytes, run);
        fxResults.push(r);
        return r;
      };
      const floor = await add('floor: AES-GCM one-shot + SHA-256', () => call('floor'));
      const floorParts = floor.extra as { gcmMs: number; shaMs: number }[];
      floor.note = `AES-GCM ${Math.round(median(floorParts.map((p) => p.gcmMs)))} ms + SHA-256 ${Math.round(median(floorParts.map((p) => p.shaMs)))} ms`;
      floorMsByFixture[fx.label] = floor.medianMs;
      if (APP_ONLY) {
        floorOnly(fxResults, floor, results);
        await page.evaluate(() => (globalThis as unknown as { bench: BenchApi }).bench.unload());
        continue;
      }
      await add('one-shot decryptPayload', () => call('oneShot'));
      for (const c of CHUNK_SIZES) await add(`streaming GCM, ${c / MiB} MiB chunks`, () => call('streaming', c, 'webcrypto'));
      for (const c of [4 * MiB]) {
        await add(`  of which AES-CTR alone, ${c / MiB} MiB`, () => call('ctrOnly', c));
        await add(`  of which GHASH alone, ${c / MiB} MiB`, () => call('ghashOnly', c, 'webcrypto'));
        const fi = await add(`findInfoString (3 GHASH), ${c / MiB} MiB`, () => call('findInfo', c, 'webcrypto'));
        fi.note = `found ${JSON.stringify((fi.extra[0] as { found: string | null }).found)}`;
        // The pure-JS GHASH engine, for comparison (the fallback when no extractable key exists).
        if (!NO_NOBLE) await add(`streaming, noble GHASH, ${c / MiB} MiB`, () => call('streaming', c, 'noble'));
      }
      for (const r of fxResults) {
        r.ratioToFloor = Math.round((r.medianMs / floor.medianMs) * 100) / 100;
        delete (r as Partial<CaseResult & { extra: unknown }>).extra;
        results.push(r);
      }
      await page.evaluate(() => (globalThis as unknown as { bench: BenchApi }).bench.unload());
    }

    await page.close();
    let appResults: AppCaseResult[] = [];
    if (!NO_APP) {
      await buildApp(ROOT, APP_BUILD, REUSE_BUILD || APP_DIR !== null, log);
      appResults = await runAppCases({
        browser,
        appDir: APP_BUILD,
        fixtures: fixtures.filter((f) => !ONLY || f.label.includes(ONLY)),
        floorMsByFixture,
        runs: RUNS,
        forms: FORMS,
        log,
      });
    }
    const app: Record<string, unknown> = {
      method:
        'Production build (vite build of vite.config.ts) served by scripts/serve-dist.ts; fresh browser context per run (service workers blocked). ' +
        'Zip: "Open envelope" file chooser; folder: "Open folder" with showDirectoryPicker removed (webkitdirectory input). Encrypted: key typed into "Recipient private key", t=0 at the "Decrypt" click; plain: t=0 at the file choice. ' +
        'verified = the "Can it be trusted?" status shows its final verdict (the worker returns verification and the DICOM index together); first image = viewer-status "rendered"; ' +
        'all series indexed = the series list shows the one CT series with every slice counted (single series: equals first series listed). ' +
        'Memory = summed VmRSS of every Chromium process (browser, renderer, GPU, utility, zygote) from /proc every 50 ms, peak minus the baseline taken just before the file choice; renderer+/browser+ are those processes alone above their baseline. ' +
        'uasm = performance.measureUserAgentSpecificMemory() after the first image (JS heaps and ArrayBuffers of page and workers; not Blob storage). Floor = same-run AES-GCM one-shot + SHA-256 of the ciphertext in a page.',
      cases: appResults,
    };
    for (const c of APP_CASES) app[c.name] = await c.run({ browser, fixtures, floorMsByFixture, runs: RUNS, rendererPids: () => rendererPids(browser) });

    const out = {
      date: new Date().toISOString(),
      chromium: env.ua,
      cores: env.cores,
      runs: RUNS,
      mb: '10^6 bytes; MB/s = ciphertext bytes / median wall time',
      memory: memorySource,
      fixtures: fixtures.map(({ dir: _dir, privateKeyB64: _k, ...m }) => m),
      results,
      app,
    };
    await writeFile(join(BENCH, 'results.json'), JSON.stringify(out, null, 2) + '\n');
    log('\nratio to floor (median ms / floor median ms):');
    for (const r of results) log(`  ${r.fixture.padEnd(12)} ${r.name.padEnd(34)} ×${r.ratioToFloor?.toFixed(2)}${r.note ? `  (${r.note})` : ''}`);
    log(`\nwrote ${join('bench', 'results.json')}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
