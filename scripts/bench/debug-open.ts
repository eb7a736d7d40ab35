// Watch one open of a bench fixture, second by second (verdict, progress text, viewer status, series):
// npx tsx scripts/bench/debug-open.ts <fixture-label> <zip|folder> [seconds]. Needs bench/.app (npm run bench builds it).
import { join } from 'node:path';
import { benchFixture, launchBenchApp, pageWithFixture } from './fixture-page.ts';

const [label = 'enc-rs-100MiB', form = 'zip', secs = '20'] = process.argv.slice(2);
const fx = await benchFixture(label);
const app = await launchBenchApp();
const page = await pageWithFixture(app.browser, app.url, fx, form === 'folder' ? 'folder' : 'zip');
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 200)));
page.on('pageerror', (e) => console.log('pageerror', e.message));
if (fx.privateKeyB64) await page.getByRole('button', { name: 'Decrypt' }).click();
for (let i = 0; i < Number(secs); i++) {
  await new Promise((r) => setTimeout(r, 1000));
  const st = await page.evaluate(() => ({
    v: document.querySelector('.verdict')?.textContent,
    p: document.querySelector('.progress-panel')?.textContent,
    s: document.querySelector('[data-testid="viewer-status"]')?.textContent,
    n: document.querySelectorAll('[data-testid="series-button"]').length,
  }));
  console.log(i, JSON.stringify(st));
}
await page.screenshot({ path: join(import.meta.dirname, '..', '..', 'bench', 'debug-open.png') });
await app.close();
