// Time one open of a bench fixture to the verdict and to the first image, N times (a quick check
// between full `npm run bench` runs; not a substitute for it):
// npx tsx scripts/bench/quick-open.ts <fixture-label> [runs]. Needs bench/.app (npm run bench builds it).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../../playwright.config.ts';
import { startDistServer } from '../serve-dist.ts';

const [label = 'enc-rs-1GiB', runs = '3'] = process.argv.slice(2);
const dir = join(import.meta.dirname, '..', '..', 'bench', 'fixtures', label);
const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
const server = await startDistServer({ root: process.env.APP_DIR ?? join(import.meta.dirname, '..', '..', 'bench', '.app'), base: '/' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
for (let i = 0; i < Number(runs); i++) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(server.url);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open envelope' }).click();
  await (await chooser).setFiles(join(dir, 'envelope.zip'));
  let t0 = Date.now();
  if (meta.privateKeyB64) {
    await page.getByRole('textbox', { name: 'Recipient private key' }).fill(meta.privateKeyB64);
    await page.getByRole('button', { name: 'Decrypt' }).waitFor();
    t0 = Date.now();
    await page.getByRole('button', { name: 'Decrypt' }).click();
  }
  await page.waitForFunction(() => /Complete|Genuine|Verified|failed|Tampered|could not/i.test(document.querySelector('.verdict')?.textContent ?? '') && !document.querySelector('.progress-panel'), null, { polling: 50, timeout: 120_000 });
  const verified = (Date.now() - t0) / 1000;
  await page.waitForFunction(() => document.querySelector('[data-testid="viewer-status"]')?.textContent === 'rendered', null, { polling: 50, timeout: 120_000 });
  const image = (Date.now() - t0) / 1000;
  console.log(`${label} run ${i + 1}: verified ${verified.toFixed(2)} s, first image ${image.toFixed(2)} s`);
  await context.close();
}
await browser.close();
await server.close();
