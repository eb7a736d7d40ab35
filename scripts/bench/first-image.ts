// Time to first image on the project's 40-slice 512×512 CT (the built-in signed, encrypted demo):
// `npx tsx scripts/bench/first-image.ts [runs]` after `npm run build`. Opens the demo link (key in
// the fragment) in headless Chromium and reports, per run and as the median, the seconds from
// navigation to the verdict and to the first rendered image.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../../playwright.config.ts';
import { startDistServer } from '../serve-dist.ts';

const runs = Number(process.argv[2] ?? 5);
const server = await startDistServer({ root: join(import.meta.dirname, '..', '..', 'dist'), base: '/' });
const demos = (await (await fetch(`${server.url}demo/index.json`)).json()) as { name: string; link: string }[];
const link = demos.find((d) => d.name === 'signed')!.link;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
const rows: { verified: number; firstImage: number }[] = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(`${server.url}${link}`);
  await page
    .getByRole('status', { name: 'Can it be trusted?' })
    .filter({ hasText: /Genuine|Intact|Warning|Damaged|Could not|Complete/ })
    .waitFor({ timeout: 120_000 });
  const verified = (Date.now() - t0) / 1000;
  await page.getByTestId('viewer-status').filter({ hasText: 'rendered' }).waitFor({ timeout: 120_000 });
  rows.push({ verified, firstImage: (Date.now() - t0) / 1000 });
  await context.close();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.table(rows);
console.log(
  `40-slice 512×512 CT demo (jmix-rs, encrypted, signed; 26.5 MB zip): median ${median(rows.map((r) => r.verified)).toFixed(2)} s to verified, ${median(rows.map((r) => r.firstImage)).toFixed(2)} s to first image (${runs} runs, from navigation, including the download from localhost).`,
);
await browser.close();
await server.close();
