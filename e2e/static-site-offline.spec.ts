// The built site under a sub-path, offline: after one visit the service worker serves it with the
// network off, and a new build on the host is picked up on the next visit. Needs `npm run build` first.
import { expect, test } from '@playwright/test';
import { dropFile, verdict } from './support/app.ts';
import {
  closeEnvelope,
  demoLink,
  droppedZip,
  expectRendered,
  NOT_BAD,
  serveStaticSite,
  site,
  waitForServiceWorker,
} from './support/static-site.ts';

/** Appended to sw.js as served: a different service worker, i.e. a new build on the host. */
let swSuffix = '';
serveStaticSite(test, { swSuffix: () => swSuffix });

test.beforeEach(() => {
  swSuffix = '';
});

test.describe('offline and updates', () => {
  test('after one visit, a demo and a dropped zip open with the network off', async ({ page, context }) => {
    await page.goto(site.url);
    await waitForServiceWorker(page);
    // First use caches the demo (CacheFirst at run time).
    await demoLink(page, 'Plain').click();
    await expect(verdict(page)).toHaveText(NOT_BAD);
    await expect
      .poll(() =>
        page.evaluate(async (url) => {
          for (const name of await caches.keys()) if (await (await caches.open(name)).match(url)) return true;
          return false;
        }, `${site.url}demo/plain.zip`),
      )
      .toBe(true);
    await expectRendered(page);
    await closeEnvelope(page);

    await context.setOffline(true);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
    await page.reload();
    await expect(page.getByRole('heading', { name: 'JMIX Viewer' })).toBeVisible();
    await demoLink(page, 'Plain').click();
    await expect(verdict(page)).toHaveText(NOT_BAD);
    await expect(page.locator('table.series tbody tr').first()).toBeAttached();
    await expectRendered(page);
    await closeEnvelope(page);

    await dropFile(page, 'dropped.zip', droppedZip);
    await expect(verdict(page)).toHaveText(NOT_BAD);
    await expect(page.getByRole('heading', { name: /Envelope/ })).toContainText('55555555-5555-4555-8555-555555555555');
    await expectRendered(page);
    expect(failed, 'requests that failed offline').toEqual([]);
    await context.setOffline(false);
  });

  test('a new build is picked up on the next visit, with an "updated" notice', async ({ page }) => {
    await page.goto(site.url);
    await waitForServiceWorker(page);
    const first = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL);
    expect(first).toBe(`${site.url}sw.js`);
    await expect(page.getByRole('status', { name: 'App update' })).toHaveCount(0);

    swSuffix = '\n// the next build\n';
    await page.reload();
    const notice = page.getByRole('status', { name: 'App update' });
    await expect(notice).toContainText('JMIX Viewer was updated', { timeout: 60_000 });
    // The page now runs under the new service worker, and the app works.
    await expect
      .poll(() => page.evaluate(async () => (await (await fetch('sw.js', { cache: 'no-store' })).text()).endsWith('// the next build\n')))
      .toBe(true);
    await expect(page.getByRole('heading', { name: 'Try a demo envelope' })).toBeVisible();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  });
});
