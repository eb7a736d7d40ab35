// One timed bench case in the page: a warm-up, then RUNS timed runs with renderer RSS sampled,
// reduced to the median and MB/s.
import type { Page } from 'playwright-core';
import { log, MiB, RUNS } from './options.ts';
import { sampleRss } from './renderer-rss.ts';

export interface CaseResult {
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

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function gc(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { gc?: () => void }).gc?.());
  await new Promise((r) => setTimeout(r, 200));
}

export async function runCase(
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
  log(
    `  ${name.padEnd(34)} ${String(result.medianMs).padStart(7)} ms  ${String(result.mbPerS).padStart(5)} MB/s  peak RSS ${result.peakRssMiB ?? '?'} MiB (+${result.peakRssAboveStartMiB ?? '?'})`,
  );
  return result;
}

/** --app-only: the floor alone (it is what the app's open-to-verified is compared with). */
export function floorOnly(fxResults: CaseResult[], floor: CaseResult, results: CaseResult[]): void {
  floor.ratioToFloor = 1;
  delete (floor as Partial<CaseResult & { extra: unknown }>).extra;
  results.push(floor);
  fxResults.length = 0;
}
