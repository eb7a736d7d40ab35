// The end-to-end half of `npm run bench`: the production build opens each fixture the way a person
// does ("Open envelope" file chooser, or the "Open folder" webkitdirectory fallback; the key typed
// into "Recipient private key", then "Decrypt"), in a fresh browser context per run. An init script
// in the page stamps performance.now() at the start (the Decrypt click; the file choice for plain
// envelopes), at each progress stage shown, at the verdict, at the first rendered image and when the
// series list is complete. Memory is the summed RSS of all Chromium processes, sampled from /proc.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { startDistServer, type DistServer } from '../serve-dist.ts';
import { startSampler, type ProcessKind } from './proc-memory.ts';
import { recorder, type Recorded } from './app-recorder.ts';

const MiB = 1 << 20;

export interface AppFixture {
  label: string;
  encrypted: boolean;
  dialect: string;
  dir: string;
  rootName: string;
  slices: number;
  folderBytes: number;
  zipBytes: number;
  ciphertextBytes: number | null;
  privateKeyB64: string | null;
}

export interface AppRun {
  ok: boolean;
  crashed: boolean;
  error?: string;
  /** Seconds from the start (Decrypt click, or the file choice for plain envelopes). */
  toVerifiedS: number | null;
  toFirstImageS: number | null;
  toAllSeriesIndexedS: number | null;
  verdict: string | null;
  /** Stage label → seconds from the start when it first showed. */
  stages: Record<string, number>;
  /** Encrypted only: file choice → the "needs a key" verdict, before the timed part. */
  lockedOpenS: number | null;
  peakAllMiB: number;
  peakAllAboveBaselineMiB: number;
  peakByKindMiB: Record<ProcessKind, number>;
  rendererAboveBaselineMiB: number;
  browserAboveBaselineMiB: number;
  baselineAllMiB: number;
  /** performance.measureUserAgentSpecificMemory() after the first image (JS heaps + buffers; not Blob storage). */
  uasmMiB: number | null;
  /** CPU seconds by Chromium thread kind over the run (from /proc): where the time goes. */
  cpuS: Record<string, number>;
}

const s3 = (ms: number | undefined, from: number | undefined) =>
  ms === undefined || from === undefined ? null : Math.round(ms - from) / 1000;

async function measureUasm(page: Page): Promise<number | null> {
  return page
    .evaluate(async () => {
      const p = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
      if (!globalThis.crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
      const r = await Promise.race([p.measureUserAgentSpecificMemory(), new Promise<null>((ok) => setTimeout(() => ok(null), 30_000))]);
      return r ? r.bytes : null;
    })
    .then((b) => (b === null ? null : Math.round(b / MiB)))
    .catch(() => null);
}

/** One timed open in a fresh context. */
async function openOnce(browser: Browser, appUrl: string, fx: AppFixture, form: 'zip' | 'folder', timeoutMs: number): Promise<AppRun> {
  const context: BrowserContext = await browser.newContext({ serviceWorkers: 'block' });
  // No cross-origin isolation: the production headers (docs/DEPLOY.md) do not set COOP/COEP, and with
  // them the nested hashing workers fail to start; so measureUserAgentSpecificMemory is unavailable
  // here and uasm stays null. The /proc figures are the memory measure.
  // As source text: tsx (esbuild keepNames) wraps named inner functions in __name(), absent in the page.
  await context.addInitScript({ content: `var __name = (f) => f; (${recorder.toString()})(${JSON.stringify(fx.encrypted)});` });
  if (form === 'folder') {
    // "Open folder" without showDirectoryPicker takes the webkitdirectory input (as e2e/opener.spec.ts does).
    await context.addInitScript(() => {
      delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
    });
  }
  const page = await context.newPage();
  let crashed = false;
  const errors: string[] = [];
  page.on('crash', () => {
    crashed = true;
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Open envelope' }).waitFor();
  await page.evaluate(() => (globalThis as unknown as { gc?: () => void }).gc?.());
  await new Promise((r) => setTimeout(r, 300));
  const sampler = await startSampler(50);
  const run: AppRun = {
    ok: false,
    crashed: false,
    toVerifiedS: null,
    toFirstImageS: null,
    toAllSeriesIndexedS: null,
    verdict: null,
    stages: {},
    lockedOpenS: null,
    peakAllMiB: 0,
    peakAllAboveBaselineMiB: 0,
    peakByKindMiB: {} as Record<ProcessKind, number>,
    rendererAboveBaselineMiB: 0,
    browserAboveBaselineMiB: 0,
    baselineAllMiB: 0,
    uasmMiB: null,
    cpuS: {},
  };
  try {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: form === 'zip' ? 'Open envelope' : 'Open folder' }).click();
    await (await chooser).setFiles(form === 'zip' ? join(fx.dir, 'envelope.zip') : join(fx.dir, 'folder', fx.rootName));
    if (fx.encrypted) {
      const field = page.getByRole('textbox', { name: 'Recipient private key' });
      await field.waitFor({ timeout: timeoutMs });
      await field.fill(fx.privateKeyB64!);
      await page.getByRole('button', { name: 'Decrypt' }).click();
    }
    await page.waitForFunction(
      () => {
        const r = (globalThis as unknown as { __bench: Recorded }).__bench;
        return r.t.verified !== undefined && (r.t.firstImage !== undefined || /Damaged|Could not/.test(r.verdictFinal ?? ''));
      },
      undefined,
      { timeout: timeoutMs, polling: 100 },
    );
    const rec = await page.evaluate(() => (globalThis as unknown as { __bench: Recorded }).__bench);
    const start = rec.t.decrypt ?? rec.t.picked;
    run.toVerifiedS = s3(rec.t.verified, start);
    run.toFirstImageS = s3(rec.t.firstImage, start);
    // One CT series: "all series indexed" is the series list showing it with every slice counted.
    const complete = rec.seriesLabel !== null && rec.seriesLabel.includes(`${fx.slices} images`);
    run.toAllSeriesIndexedS = complete ? s3(rec.t.firstSeries, start) : null;
    run.verdict = rec.verdictFinal?.trim() ?? null;
    for (const s of rec.stages) run.stages[s.text] ??= Math.round(s.t - start!) / 1000;
    run.lockedOpenS = fx.encrypted ? s3(rec.t.lockedShown, rec.t.picked) : null;
    run.ok = run.toFirstImageS !== null && complete;
    if (!run.ok)
      run.error = `verdict "${run.verdict}", series "${rec.seriesLabel}"${errors.length ? `, page errors: ${errors.slice(0, 3).join('; ')}` : ''}`;
  } catch (e) {
    run.error = crashed ? 'the tab crashed' : e instanceof Error ? e.message.split('\n')[0] : String(e);
  } finally {
    const mem = await sampler.stop();
    run.crashed = crashed;
    run.baselineAllMiB = Math.round(mem.baseline.total / MiB);
    run.peakAllMiB = Math.round(mem.peak.total / MiB);
    run.peakAllAboveBaselineMiB = Math.round((mem.peak.total - mem.baseline.total) / MiB);
    run.peakByKindMiB = Object.fromEntries(Object.entries(mem.peakByKind).map(([k, v]) => [k, Math.round(v / MiB)])) as Record<
      ProcessKind,
      number
    >;
    run.rendererAboveBaselineMiB = Math.round((mem.peakByKind.renderer - mem.baseline.byKind.renderer) / MiB);
    run.browserAboveBaselineMiB = Math.round((mem.peakByKind.browser - mem.baseline.byKind.browser) / MiB);
    run.cpuS = mem.cpuS;
    if (run.ok) run.uasmMiB = await measureUasm(page);
    await context.close().catch(() => undefined);
  }
  return run;
}

export interface AppCaseResult {
  fixture: string;
  dialect: string;
  form: 'zip' | 'folder';
  encrypted: boolean;
  /** What the user opened: the zip file, or the folder's files. */
  envelopeMiB: number;
  runs: AppRun[];
  median: {
    toVerifiedS: number | null;
    toFirstImageS: number | null;
    toAllSeriesIndexedS: number | null;
    peakAllAboveBaselineMiB: number;
    peakAllMiB: number;
    rendererAboveBaselineMiB: number;
    browserAboveBaselineMiB: number;
    uasmMiB: number | null;
    stages: Record<string, number>;
    /** Median CPU seconds by thread kind (see AppRun.cpuS). */
    cpuS: Record<string, number>;
  };
  /** Peak (all processes, above baseline) ÷ envelope size; target ≤ 2. */
  memoryRatio: number;
  /** Median open-to-verified ÷ this run's floor (AES-GCM one-shot + SHA-256 of the ciphertext); target ≤ 1.5. */
  floorS: number | null;
  verifiedToFloor: number | null;
  allOk: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const medianOrNull = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : median(xs as number[]));

export async function buildApp(root: string, outDir: string, reuse: boolean, log: (s: string) => void): Promise<void> {
  if (reuse && existsSync(join(outDir, 'index.html'))) {
    log(`app: reusing the production build in ${outDir}`);
    return;
  }
  const t0 = performance.now();
  // The project's own vite.config.ts, built to a private folder so dist/ (other tests' copy) is left alone.
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  log(`app: production build in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${outDir}`);
}

export async function runAppCases(args: {
  browser: Browser;
  appDir: string;
  fixtures: AppFixture[];
  floorMsByFixture: Record<string, number>;
  runs: number;
  forms?: ('zip' | 'folder')[];
  log: (s: string) => void;
}): Promise<AppCaseResult[]> {
  const { log } = args;
  const server: DistServer = await startDistServer({ root: args.appDir, base: '/' });
  const out: AppCaseResult[] = [];
  try {
    log(
      `\napp (production build at ${server.url}; ${args.runs} runs per case, fresh context each; t=0 at the Decrypt click, or the file choice when plain):`,
    );
    log(
      `  ${'case'.padEnd(28)} ${'verified'.padStart(8)} ${'1st img'.padStart(8)} ${'indexed'.padStart(8)} ${'floor'.padStart(6)} ${'÷floor'.padStart(6)}  ${'peak all (+MiB)'.padStart(15)} ${'÷size'.padStart(5)} ${'renderer+'.padStart(9)} ${'browser+'.padStart(8)} ${'uasm'.padStart(5)}`,
    );
    for (const fx of args.fixtures) {
      for (const form of args.forms ?? ['zip', 'folder']) {
        const envelopeBytes = form === 'zip' ? fx.zipBytes : fx.folderBytes;
        // Generous: a slow machine takes ~1 min per GiB; a hang still ends the case.
        const timeoutMs = Math.max(120_000, (envelopeBytes / MiB) * 600);
        const runs: AppRun[] = [];
        for (let i = 0; i < args.runs; i++) {
          const r = await openOnce(args.browser, server.url, fx, form, timeoutMs);
          runs.push(r);
          if (!r.ok) log(`    run ${i + 1}: ${r.crashed ? 'CRASHED' : 'failed'}: ${r.error}`);
        }
        const good = runs.filter((r) => r.ok);
        const pick = good.length ? good : runs;
        const stageNames = [...new Set(pick.flatMap((r) => Object.keys(r.stages)))];
        const floorMs = fx.encrypted ? (args.floorMsByFixture[fx.label] ?? null) : null;
        const m = {
          toVerifiedS: medianOrNull(pick.map((r) => r.toVerifiedS)),
          toFirstImageS: medianOrNull(pick.map((r) => r.toFirstImageS)),
          toAllSeriesIndexedS: medianOrNull(pick.map((r) => r.toAllSeriesIndexedS)),
          peakAllAboveBaselineMiB: median(runs.map((r) => r.peakAllAboveBaselineMiB)),
          peakAllMiB: median(runs.map((r) => r.peakAllMiB)),
          rendererAboveBaselineMiB: median(runs.map((r) => r.rendererAboveBaselineMiB)),
          browserAboveBaselineMiB: median(runs.map((r) => r.browserAboveBaselineMiB)),
          uasmMiB: medianOrNull(pick.map((r) => r.uasmMiB)),
          stages: Object.fromEntries(
            stageNames.map((n) => [n, median(pick.map((r) => r.stages[n]).filter((x): x is number => x !== undefined))]),
          ),
          cpuS: Object.fromEntries(
            [...new Set(pick.flatMap((r) => Object.keys(r.cpuS)))]
              .map((k) => [k, median(pick.map((r) => r.cpuS[k] ?? 0))] as const)
              .filter(([, v]) => v >= 0.1)
              .sort((a, b) => b[1] - a[1]),
          ),
        };
        const res: AppCaseResult = {
          fixture: fx.label,
          dialect: fx.dialect,
          form,
          encrypted: fx.encrypted,
          envelopeMiB: Math.round((envelopeBytes / MiB) * 10) / 10,
          runs,
          median: m,
          memoryRatio: Math.round((m.peakAllAboveBaselineMiB / (envelopeBytes / MiB)) * 100) / 100,
          floorS: floorMs === null ? null : Math.round(floorMs) / 1000,
          verifiedToFloor: floorMs === null || m.toVerifiedS === null ? null : Math.round((m.toVerifiedS / (floorMs / 1000)) * 100) / 100,
          allOk: good.length === runs.length,
        };
        out.push(res);
        const f = (x: number | null, w: number, d = 2) => (x === null ? '—' : x.toFixed(d)).padStart(w);
        log(
          `  ${`${fx.label} ${form}`.padEnd(28)} ${f(m.toVerifiedS, 8)} ${f(m.toFirstImageS, 8)} ${f(m.toAllSeriesIndexedS, 8)} ${f(res.floorS, 6)} ${f(res.verifiedToFloor, 6)}  ${`${m.peakAllMiB} (+${m.peakAllAboveBaselineMiB})`.padStart(15)} ${f(res.memoryRatio, 5)} ${String(m.rendererAboveBaselineMiB).padStart(9)} ${String(m.browserAboveBaselineMiB).padStart(8)} ${f(m.uasmMiB, 5, 0)}${res.allOk ? '' : `  (${runs.length - good.length}/${runs.length} runs failed)`}`,
        );
        log(
          `  ${''.padEnd(28)} CPU s by thread (until the first image): ${
            Object.entries(m.cpuS)
              .map(([k, v]) => `${k} ${v.toFixed(1)}`)
              .join(', ') || '—'
          }`,
        );
        log(
          `  ${''.padEnd(28)} stages (s from start): ${
            Object.entries(m.stages)
              .map(([k, v]) => `${k} ${v.toFixed(2)}`)
              .join(', ') || '—'
          }${fx.encrypted ? `; locked open before the key ${medianOrNull(pick.map((r) => r.lockedOpenS))?.toFixed(2) ?? '—'} s` : ''}`,
        );
      }
    }
  } finally {
    await server.close();
  }
  return out;
}
