// Watch one open of a bench fixture, second by second (verdict, progress text, viewer status, series):
// npx tsx scripts/bench/debug-open.ts <fixture-label> <zip|folder> [seconds]. Needs bench/.app (npm run bench builds it).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../../playwright.config.ts';
import { startDistServer } from '../serve-dist.ts';

const [label = 'enc-rs-100MiB', form = 'zip', secs = '20'] = process.argv.slice(2);
const dir = join(import.meta.dirname, '..', '..', 'bench', 'fixtures', label);
const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
const server = await startDistServer({ root: process.env.APP_DIR ?? join(import.meta.dirname, '..', '..', 'bench', '.app'), base: '/' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
const context = await browser.newContext({ serviceWorkers: 'block' });
if (form === 'folder') await context.addInitScript(() => { delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker; });
const page = await context.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 200)));
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(server.url);
const chooser = page.waitForEvent('filechooser');
await page.getByRole('button', { name: form === 'zip' ? 'Open envelope' : 'Open folder' }).click();
await (await chooser).setFiles(form === 'zip' ? join(dir, 'envelope.zip') : join(dir, 'folder', meta.rootName));
if (meta.privateKeyB64) {
  await page.getByRole('textbox', { name: 'Recipient private key' }).fill(meta.privateKeyB64);
  await page.getByRole('button', { name: 'Decrypt' }).click();
}
for (let i = 0; i < Number(secs); i++) {
  await new Promise((r) => setTimeout(r, 1000));
  const st = await page.evaluate(() => ({ v: document.querySelector('.verdict')?.textContent, p: document.querySelector('.progress-panel')?.textContent, s: document.querySelector('[data-testid="viewer-status"]')?.textContent, n: document.querySelectorAll('[data-testid="series-button"]').length }));
  console.log(i, JSON.stringify(st));
}
await page.screenshot({ path: join(import.meta.dirname, '..', '..', 'bench', 'debug-open.png') });
await browser.close();
await server.close();
