// The set-up the small bench tools share (debug-open, quick-open, profile-open): a bench fixture,
// the last production build served locally, headless Chromium, and a page that has chosen the
// fixture in the file picker and typed its key (the caller clicks Decrypt, timing what it wants).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs } from '../../playwright.config.ts';
import { startDistServer } from '../serve-dist.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface BenchFixture {
  dir: string;
  rootName: string;
  privateKeyB64: string | null;
}

/** Serve bench/.app (or APP_DIR) and launch Chromium; `close` ends both. */
export async function launchBenchApp(): Promise<{ browser: Browser; url: string; close: () => Promise<void> }> {
  const server = await startDistServer({ root: process.env.APP_DIR ?? join(ROOT, 'bench', '.app'), base: '/' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
  return { browser, url: server.url, close: async () => (await browser.close(), await server.close()) };
}

export async function benchFixture(label: string): Promise<BenchFixture> {
  const dir = join(ROOT, 'bench', 'fixtures', label);
  return { dir, ...(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as Omit<BenchFixture, 'dir'>) };
}

/** A fresh page (service workers blocked) with the fixture chosen and, if encrypted, its key typed. */
export async function pageWithFixture(browser: Browser, url: string, fx: BenchFixture, form: 'zip' | 'folder' = 'zip'): Promise<Page> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  // The folder form goes through the webkitdirectory input, as in browsers without showDirectoryPicker.
  if (form === 'folder') await context.addInitScript(() => void delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker);
  const page = await context.newPage();
  await page.goto(url);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: form === 'zip' ? 'Open envelope' : 'Open folder' }).click();
  await (await chooser).setFiles(form === 'zip' ? join(fx.dir, 'envelope.zip') : join(fx.dir, 'folder', fx.rootName));
  if (fx.privateKeyB64) await page.getByRole('textbox', { name: 'Recipient private key' }).fill(fx.privateKeyB64);
  return page;
}
