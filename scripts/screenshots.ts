// `npx tsx scripts/screenshots.ts`: the README's screenshots, taken from the production build (run
// `npm run build` first) with the built-in demo envelopes and the project's synthetic study.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs } from '../playwright.config.ts';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { startDistServer } from './serve-dist.ts';

const out = resolve(import.meta.dirname, '..', 'docs', 'images');
mkdirSync(out, { recursive: true });
const site = await startDistServer({ root: resolve(import.meta.dirname, '..', 'dist'), base: '/', port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });

async function page(width = 1440, height = 900): Promise<Page> {
  const p = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  return p;
}
async function rendered(p: Page) {
  await p.getByTestId('viewer-status').filter({ hasText: 'rendered' }).waitFor({ timeout: 120_000 });
  await p.waitForTimeout(800);
}

// 1. The signed, encrypted demo: first as it arrives (intact, key not yet trusted), then after
// "Trust this sender": summary and trust panel.
{
  const p = await page(1440, 1000);
  await p.goto(`${site.url}`);
  const demos = (await (await fetch(`${site.url}demo/index.json`)).json()) as { name: string; link: string }[];
  await p.goto(`${site.url}${demos.find((d) => d.name === 'signed')!.link}`);
  await rendered(p);
  await p.getByRole('button', { name: 'Trust this sender' }).click();
  await p.screenshot({ path: join(out, 'signed-untrusted-key.png') });
  await p.getByRole('button', { name: /^Remember this key for / }).click();
  await p.getByRole('status', { name: 'Can it be trusted?' }).filter({ hasText: 'Genuine and complete' }).waitFor({ timeout: 60_000 });
  await rendered(p);
  await p.getByRole('tab', { name: /Trust checks/ }).click();
  await p.screenshot({ path: join(out, 'signed-encrypted-summary.png') });
  await p.getByRole('tab', { name: /Patient/ }).click();
  await p.screenshot({ path: join(out, 'ct-viewer.png') });
  await p.close();
}

// 2. A multi-frame ultrasound.
{
  const dir = mkdtempSync(join(tmpdir(), 'jmix-shots-'));
  const study = syntheticStudy({ seed: 5, ctSlices: 4, ctSize: 128, mrSlices: 2, mrSize: 64, usFrames: 24 });
  const env = await packEnvelope({
    dialect: 'jmix-php',
    payloadFiles: study.files.filter((f) => !f.path.includes('/ct/') && !f.path.includes('/mr/')),
  });
  const zip = join(dir, 'us.zip');
  writeFileSync(zip, toZip(env, 'wrapped'));
  const p = await page();
  await p.goto(site.url);
  const chooser = p.waitForEvent('filechooser');
  await p.getByRole('button', { name: 'Open envelope' }).click();
  await (await chooser).setFiles(zip);
  await rendered(p);
  await p.keyboard.press('ArrowDown');
  await p.waitForTimeout(400);
  await p.screenshot({ path: join(out, 'us-multiframe-viewer.png') });
  await p.close();
}

await browser.close();
await site.close();
console.log(`screenshots written to ${out}`);
