// `npm run bench`: decryption throughput and memory in headless Chromium, against the same-run floor.
//   npm run bench                 ~100 MiB envelopes (a few minutes on 2 cores)
//   npm run bench -- --large      also 1 GiB (or BENCH_LARGE=1)
//   npm run bench -- --runs 5     timed runs per case (default 3, after one warm-up)
//   npm run bench -- --no-noble   skip the slow pure-JS GHASH comparison case
// Fixtures (plain and encrypted, zip and folder, made with fixtures/envelopes/pack.ts) are cached in
// bench/fixtures/; results go to bench/results.json and stdout.
// Memory: the peak RSS of Chromium's renderer process, sampled from /proc every 20 ms (the page's
// ArrayBuffers live outside the JS heap, so performance.memory would miss them).
// The parts are in scripts/bench/: options, fixtures, the page bundle and server, renderer RSS, cases.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs } from '../playwright.config.ts';
import type { BenchApi } from './bench-entry.ts';
import { buildApp, runAppCases, type AppCaseResult } from './bench/app.ts';
import { floorOnly, median, runCase, type CaseResult } from './bench/cases.ts';
import { fixture, sizeLabel, type FixtureMeta } from './bench/fixtures.ts';
import { buildBundle, serve } from './bench/page-server.ts';
import { rendererPids } from './bench/renderer-rss.ts';
import {
  APP_BUILD,
  APP_DIR,
  APP_ONLY,
  BENCH,
  FIXTURES,
  FIXTURES_ONLY,
  FORMS,
  LARGE,
  log,
  MiB,
  NO_APP,
  NO_NOBLE,
  ONLY,
  REUSE_BUILD,
  ROOT,
  RUNS,
} from './bench/options.ts';

const CHUNK_SIZES = [1 * MiB, 4 * MiB, 8 * MiB, 16 * MiB];

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
  for (const f of fixtures)
    log(
      `  ${f.label.padEnd(14)} ${f.dialect.padEnd(8)} ${f.slices} slices  folder ${(f.folderBytes / MiB).toFixed(1)} MiB  zip ${(f.zipBytes / MiB).toFixed(1)} MiB${f.ciphertextName ? `  ${f.ciphertextName} ${(f.ciphertextBytes! / MiB).toFixed(1)} MiB` : ''}`,
    );
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
    log(
      `chromium: ${env.ua.match(/Chrome\/[\d.]+/)?.[0] ?? env.ua}, ${env.cores} cores, crossOriginIsolated=${env.isolated}, measureUserAgentSpecificMemory=${env.uasm} (not used: it reports after GC, not peaks)`,
    );
    log(`memory: ${memorySource}`);

    for (const fx of fixtures.filter((f) => f.encrypted)) {
      const bytes = fx.ciphertextBytes!;
      log(`\n${fx.label}: ${fx.ciphertextName} ${(bytes / MiB).toFixed(1)} MiB (${bytes.toLocaleString('en')} B)`);
      const base = `fixtures/${fx.label}/folder/${fx.rootName}`;
      await page.evaluate((a) => (globalThis as unknown as { bench: BenchApi }).bench.load(a), {
        ciphertextUrl: `${url}${base}/${fx.ciphertextName}`,
        manifestUrl: `${url}${base}/manifest.json`,
        privateKeyB64: fx.privateKeyB64!,
        producer: fx.producer,
      });
      const call = <K extends keyof BenchApi>(k: K, ...args: Parameters<BenchApi[K]>) =>
        page.evaluate(
          ({ k, args }) => (globalThis as unknown as { bench: Record<string, (...a: unknown[]) => unknown> }).bench[k]!(...args),
          { k, args },
        ) as Promise<Awaited<ReturnType<BenchApi[K]>>>;
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
    for (const c of APP_CASES)
      app[c.name] = await c.run({ browser, fixtures, floorMsByFixture, runs: RUNS, rendererPids: () => rendererPids(browser) });

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
    for (const r of results)
      log(`  ${r.fixture.padEnd(12)} ${r.name.padEnd(34)} ×${r.ratioToFloor?.toFixed(2)}${r.note ? `  (${r.note})` : ''}`);
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
