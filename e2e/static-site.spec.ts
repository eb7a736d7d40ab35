// The built site as a static host serves it: dist/ under a sub-path (/a/b/) with the headers of
// docs/DEPLOY.md (scripts/serve-dist.ts, the tested recipe), the demo envelopes and the start-screen
// JavaScript budget. Offline use and updates: static-site-offline.spec.ts; `#api=` links:
// static-site-api.spec.ts. Nothing may leave 127.0.0.1. Needs `npm run build` first.
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { verdict } from './support/app.ts';
import {
  closeEnvelope,
  demoLink,
  expectRendered,
  NOT_BAD,
  serveStaticSite,
  site,
  START_SCREEN_JS_BUDGET,
  waitForServiceWorker,
} from './support/static-site.ts';

const guard = serveStaticSite(test);

test.describe('static site under a sub-path', () => {
  test('every demo opens from the start screen, with its verdict', async ({ page }) => {
    await page.goto(site.url);
    await expect(page.getByRole('heading', { name: 'Try a demo envelope' })).toBeVisible();
    await expect(page.locator('.demos__list li')).toHaveCount(4);
    // Each demo says what it shows in one sentence.
    await expect(demoLink(page, 'Damaged')).toContainText('must not be relied on');

    await demoLink(page, 'Signed and encrypted').click();
    // Signed by the key the demo carries: intact, not genuine until the user trusts the sender.
    await expect(verdict(page)).toHaveText(/Intact, signed by key SHA256:[0-9a-f]{16}… that you have not marked as trusted/);
    await expect(page.locator('table.series tbody tr').first()).toBeAttached();
    await expectRendered(page);
    await closeEnvelope(page);

    await demoLink(page, 'Encrypted').click();
    await expect(verdict(page)).toHaveText(NOT_BAD);
    await expect(page.locator('table.series tbody tr').first()).toBeAttached();
    await expectRendered(page);
    await closeEnvelope(page);

    await demoLink(page, 'Plain').click();
    await expect(verdict(page)).toHaveText(NOT_BAD);
    await expectRendered(page);
    await closeEnvelope(page);

    await demoLink(page, 'Damaged').click();
    await expect(verdict(page)).toHaveText(/Damaged or altered/);
    await expectRendered(page);
    await closeEnvelope(page);

    // Choosing the same demo again opens it again.
    await demoLink(page, 'Damaged').click();
    await expect(verdict(page)).toHaveText(/Damaged or altered/);

    // Everything came from under the sub-path: pages, chunks, workers, codecs, demos.
    const own = guard.requests.filter((r) => r.url.startsWith('http'));
    expect(own.length).toBeGreaterThan(0);
    for (const r of own) expect(r.url.startsWith(site.url), r.url).toBe(true);
    expect(own.some((r) => /\/a\/b\/assets\/open-worker-[\w-]+\.js$/.test(r.url))).toBe(true);
    expect(own.some((r) => /\/a\/b\/demo\/signed\.zip$/.test(r.url))).toBe(true);
  });

  test('a shared demo link (#src=demo/signed.zip&key=...) opens under the sub-path and drops the key', async ({ page }) => {
    const index = (await (await fetch(`${site.url}demo/index.json`)).json()) as { name: string; link: string }[];
    const signed = index.find((d) => d.name === 'signed');
    expect(signed?.link).toMatch(/^#src=demo\/signed\.zip&key=[\w-]+$/);
    await page.goto(site.url + signed!.link);
    await expect(verdict(page)).toHaveText(/Intact, signed by key/);
    expect(page.url()).not.toContain('key=');
    // "Trust this sender" remembers the key on this device: genuine now, and on the next visit.
    await page.getByRole('button', { name: 'Trust this sender' }).click();
    await page.getByRole('button', { name: 'Remember this key for Harbour Imaging' }).click();
    await expect(verdict(page)).toHaveText(/Genuine and complete/);
    await page.getByRole('tab', { name: /Trust checks/ }).click();
    await expect(page.getByRole('heading', { name: 'Senders you trust on this device' })).toBeVisible();
    await page.goto('about:blank');
    await page.goto(site.url + signed!.link);
    await expect(verdict(page)).toHaveText(/Genuine and complete/);
    expect(page.url()).not.toContain('key=');
    expect(guard.requests.some((r) => r.url === `${site.url}demo/signed.zip`)).toBe(true);
    // The viewer (and Cornerstone with it) loads relative to the page.
    await expect
      .poll(() => guard.requests.some((r) => /\/a\/b\/assets\/cornerstone-[\w-]+\.js$/.test(r.url)), { timeout: 30_000 })
      .toBe(true);
  });

  test('the host recipe: hashed assets immutable, the shell revalidated, WASM as application/wasm, a CSP', async () => {
    const html = await fetch(site.url);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    for (const name of ['sw.js', 'manifest.webmanifest'])
      expect((await fetch(site.url + name)).headers.get('cache-control')).toBe('no-cache');
    const sw = await fetch(`${site.url}sw.js`);
    expect(sw.headers.get('content-type')).toContain('text/javascript');
    const wasmName = /assets\/[\w-]+\.wasm/.exec(await sw.text())?.[0];
    expect(wasmName, 'a codec WASM in the precache list').toBeTruthy();
    const wasm = await fetch(site.url + wasmName!);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const manifest = (await (await fetch(`${site.url}manifest.webmanifest`)).json()) as {
      name: string;
      start_url: string;
      scope: string;
      icons: { src: string }[];
    };
    expect(manifest.name).toBe('JMIX Viewer');
    expect(manifest.start_url).toBe('./');
    expect(manifest.scope).toBe('./');
    for (const icon of manifest.icons) {
      const r = await fetch(new URL(icon.src, `${site.url}manifest.webmanifest`));
      expect(r.status, icon.src).toBe(200);
    }
  });

  test('the start screen loads at most 250 kB of gzip-compressed JavaScript', async ({ page }) => {
    const scripts = new Map<string, number>();
    const pending: Promise<void>[] = [];
    page.on('response', (r) => {
      const type = r.request().resourceType();
      if (!/\.m?js$/.test(new URL(r.url()).pathname) && type !== 'script') return;
      pending.push(
        r.body().then(
          (body) => void scripts.set(r.url(), gzipSync(body, { level: 9 }).length),
          () => undefined,
        ),
      );
    });
    await page.goto(site.url);
    await expect(page.getByRole('heading', { name: 'Try a demo envelope' })).toBeVisible();
    await waitForServiceWorker(page);
    await page.waitForLoadState('networkidle');
    await Promise.all(pending);
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    console.log(`start-screen JavaScript: ${(total / 1000).toFixed(1)} kB gzip in ${scripts.size} files`);
    expect(scripts.size).toBeGreaterThan(0);
    // The viewer, Cornerstone and the pipeline worker are not part of the start screen.
    expect([...scripts.keys()].some((u) => /cornerstone|open-worker|StudyViewer/.test(u))).toBe(false);
    expect(total).toBeLessThanOrEqual(START_SCREEN_JS_BUDGET);
  });
});
