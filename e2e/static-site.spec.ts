// The built site as a static host serves it: dist/ under a sub-path (/a/b/) with the headers of
// docs/DEPLOY.md (scripts/serve-dist.ts, the tested recipe), the demo envelopes, offline use through
// the service worker, updates, the start-screen JavaScript budget, and `#api=` links against a
// local JMIX API in harmony's shape. Nothing may leave 127.0.0.1. Needs `npm run build` first.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { formatBytes } from '../src/ui/format.ts';
import { startDistServer, type DistServer } from '../scripts/serve-dist.ts';
import { dropFile, guardNetworkAndErrors } from './support/app.ts';

// JMIX_DIST lets a run use a private build (other builds may rewrite dist/ meanwhile).
const DIST = resolve(process.env.JMIX_DIST ?? resolve(import.meta.dirname, '..', 'dist'));
const BASE = '/a/b/';
const TOKEN = 'correct-horse-battery-staple';
const API_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const START_SCREEN_JS_BUDGET = 250 * 1000;

test.skip(!existsSync(resolve(DIST, 'index.html')), 'dist/ is missing: run `npm run build` first');

let site: DistServer;
let apiServer: Server;
let apiOrigin = '';
let envelopeZip: Uint8Array;
let manifestJson = '';
let droppedZip: Uint8Array;
/** Appended to sw.js as served: a different service worker, i.e. a new build on the host. */
let swSuffix = '';

const verdict = (page: Page) => page.getByRole('status', { name: 'Can it be trusted?' });
const NOT_BAD = /^(?!.*(Damaged|Could not be decrypted|Encrypted:)).+$/;

function corsHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'authorization',
    'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  };
}

/**
 * harmony's JMIX routes under a prefix. `/cors` sends CORS headers, `/nocors` none (as harmony),
 * `/secure` wants `Bearer TOKEN` (401 without, 403 wrong), `/html` answers the manifest with a web page.
 */
function answerApi(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const m = /^\/(cors|nocors|secure|html)\/api\/jmix\/([^/]+)(\/manifest)?$/.exec(path);
  if (!m) return false;
  const [, mode, id, manifest] = m;
  const cors = mode === 'nocors' ? {} : corsHeaders();
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors).end();
    return true;
  }
  if (mode === 'secure') {
    const auth = req.headers.authorization;
    if (!auth) {
      res.writeHead(401, { ...cors, 'www-authenticate': 'Bearer', 'content-type': 'text/plain' }).end('unauthorized');
      return true;
    }
    if (auth !== `Bearer ${TOKEN}`) {
      res.writeHead(403, { ...cors, 'content-type': 'text/plain' }).end('forbidden');
      return true;
    }
  }
  if (decodeURIComponent(id!) !== API_ID) {
    res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end(manifest ? 'manifest.json not found' : 'JMIX package not found');
    return true;
  }
  if (manifest) {
    if (mode === 'html') {
      res.writeHead(200, { ...cors, 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title><p>Please sign in.</p>');
      return true;
    }
    const body = Buffer.from(manifestJson);
    res.writeHead(200, { ...cors, 'content-type': 'application/json', 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  res.writeHead(200, {
    ...cors,
    'content-type': 'application/zip',
    'content-disposition': `attachment; filename="${API_ID}.zip"`,
    'content-length': String(envelopeZip.length),
  });
  res.end(req.method === 'HEAD' ? undefined : Buffer.from(envelopeZip));
  return true;
}

test.beforeAll(async () => {
  const study = syntheticStudy({ ctSlices: 3, ctSize: 64, mrSlices: 2, mrSize: 64, usFrames: 2 });
  const packed = await packEnvelope({
    dialect: 'jmix-rs',
    id: API_ID,
    timestamp: '2026-11-21T08:15:00Z',
    payloadFiles: study.files,
    signWith: crypto.getRandomValues(new Uint8Array(32)),
  });
  envelopeZip = toZip(packed, 'root');
  const manifestFile = packed.files.find((f) => f.path === 'manifest.json');
  if (!manifestFile) throw new Error('The packed envelope has no manifest.json.');
  manifestJson = new TextDecoder().decode(manifestFile.bytes);
  const other = await packEnvelope({ dialect: 'jmix-rs', id: '55555555-5555-4555-8555-555555555555', payloadFiles: study.files });
  droppedZip = toZip(other, 'root');

  apiServer = createServer((req, res) => {
    if (!answerApi(req, res, new URL(req.url ?? '/', 'http://x').pathname)) res.writeHead(404).end('not found');
  });
  await new Promise<void>((ok) => apiServer.listen(0, '127.0.0.1', ok));
  const addr = apiServer.address();
  if (!addr || typeof addr === 'string') throw new Error('The API server has no port.');
  apiOrigin = `http://127.0.0.1:${addr.port}`;

  site = await startDistServer({
    root: DIST,
    base: BASE,
    // The test's JMIX server speaks http on another port; a real deployment needs only https:.
    connectExtra: ['http://127.0.0.1:*'],
    transform: (rel, text) => (rel === 'sw.js' ? text + swSuffix : text),
    // A same-origin proxy in front of the JMIX API, as DEPLOY.md recommends for harmony.
    before: (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const proxied = path.startsWith(`${BASE}jmix/`) ? `/nocors/${path.slice(`${BASE}jmix/`.length)}` : null;
      return proxied ? answerApi(req, res, proxied) : false;
    },
  });
});

test.afterAll(async () => {
  await site?.close();
  await new Promise<void>((ok) => (apiServer ? apiServer.close(() => ok()) : ok()));
});

// Every test: nothing leaves 127.0.0.1, no uncaught error, no console error (a test may list the
// console lines it expects, e.g. the browser's own CORS report).
const guard = guardNetworkAndErrors(test);

test.beforeEach(() => {
  swSuffix = '';
});

const demoLink = (page: Page, title: string) => page.getByRole('link', { name: new RegExp(`^${title}\\b`) });

/** The viewer drew the first image (and so loaded Cornerstone and its workers from under the sub-path). */
async function expectRendered(page: Page): Promise<void> {
  await expect(page.getByTestId('viewer-status')).toHaveText('rendered', { timeout: 60_000 });
}

async function closeEnvelope(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close envelope' }).click();
  await expect(page.getByRole('heading', { name: 'Try a demo envelope' })).toBeVisible();
}

/** Wait until the service worker has precached everything and controls this page. */
async function waitForServiceWorker(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? 'none'), { timeout: 60_000 })
    .toBe('activated');
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}


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
    await expect.poll(() => guard.requests.some((r) => /\/a\/b\/assets\/cornerstone-[\w-]+\.js$/.test(r.url)), { timeout: 30_000 }).toBe(true);
  });

  test('the host recipe: hashed assets immutable, the shell revalidated, WASM as application/wasm, a CSP', async () => {
    const html = await fetch(site.url);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    for (const name of ['sw.js', 'manifest.webmanifest']) expect((await fetch(site.url + name)).headers.get('cache-control')).toBe('no-cache');
    const sw = await fetch(`${site.url}sw.js`);
    expect(sw.headers.get('content-type')).toContain('text/javascript');
    const wasmName = /assets\/[\w-]+\.wasm/.exec(await sw.text())?.[0];
    expect(wasmName, 'a codec WASM in the precache list').toBeTruthy();
    const wasm = await fetch(site.url + wasmName!);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const manifest = (await (await fetch(`${site.url}manifest.webmanifest`)).json()) as { name: string; start_url: string; scope: string; icons: { src: string }[] };
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
    await expect.poll(() => page.evaluate(async () => (await (await fetch('sw.js', { cache: 'no-store' })).text()).endsWith('// the next build\n'))).toBe(true);
    await expect(page.getByRole('heading', { name: 'Try a demo envelope' })).toBeVisible();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  });
});

test.describe('JMIX API links (#api=...&id=...)', () => {
  const CORS_NOISE = [/CORS|Failed to load resource|net::ERR_FAILED/];

  test('manifest first (sender, id, created, size), download only on "Download envelope"', async ({ page }) => {
    await page.goto(`${site.url}#api=${apiOrigin}/cors&id=${API_ID}`);
    const details = page.getByRole('definition');
    await expect(page.getByText('Harbour Imaging')).toBeVisible();
    await expect(details.filter({ hasText: '2026-11-21T08:15:00Z' })).toHaveCount(1);
    await expect(page.locator('.api-facts[aria-label="Envelope details"]')).toContainText(API_ID);
    // The size comes from a HEAD request's content-length.
    await expect(page.locator('.api-facts[aria-label="Envelope details"]')).toContainText(formatBytes(envelopeZip.length));
    expect(guard.requests.some((r) => r.method === 'HEAD')).toBe(true);
    const envelopeUrl = `${apiOrigin}/cors/api/jmix/${API_ID}`;
    expect(guard.requests.some((r) => r.url === `${envelopeUrl}/manifest` && r.method === 'GET')).toBe(true);
    expect(guard.requests.some((r) => r.url === envelopeUrl && r.method === 'GET'), 'no download before the user confirms').toBe(false);

    await page.getByRole('button', { name: 'Download envelope' }).click();
    await expect(verdict(page)).toHaveText(NOT_BAD);
    await expect(page.getByRole('heading', { name: /Envelope/ })).toContainText(API_ID);
    expect(guard.requests.some((r) => r.url === envelopeUrl && r.method === 'GET')).toBe(true);
  });

  test('same origin through a proxy: works although the API sends no CORS headers', async ({ page }) => {
    await page.goto(`${site.url}#api=jmix&id=${API_ID}`);
    await expect(page.getByText('Harbour Imaging')).toBeVisible();
    await page.getByRole('button', { name: 'Download envelope' }).click();
    await expect(verdict(page)).toHaveText(NOT_BAD);
  });

  test('no CORS headers (as harmony): says why, and how to get the envelope anyway', async ({ page }) => {
    guard.expectErrors(...CORS_NOISE);
    await page.goto(`${site.url}#api=${apiOrigin}/nocors&id=${API_ID}`);
    const alert = page.getByRole('alert', { name: 'Server answer' });
    await expect(alert).toContainText(`Could not read an answer from ${apiOrigin}/nocors`);
    await expect(alert).toContainText('harmony sets no CORS headers');
    await expect(alert).toContainText('same origin');
    await expect(alert).toContainText('drop the zip here');
  });

  test('a token is needed (401), a wrong one is refused (403), the right one downloads; it is never in the URL', async ({ page }) => {
    guard.expectErrors(/HTTP 40[13]: /, /Failed to load resource/);
    await page.goto(`${site.url}#api=${apiOrigin}/secure&id=${API_ID}`);
    const alert = page.getByRole('alert', { name: 'Server answer' });
    await expect(alert).toContainText('The server needs an access token');
    const field = page.getByLabel('Access token (optional)');
    await expect(field).toHaveAttribute('type', 'password');

    await field.fill('not-the-token');
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(alert).toContainText('The token was refused');

    await page.getByRole('button', { name: 'Download envelope' }).click();
    await expect(page.getByRole('alert', { name: 'Download problem' })).toContainText('The token was refused');

    await field.fill(TOKEN);
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByText('Harbour Imaging')).toBeVisible();
    await page.getByRole('button', { name: 'Download envelope' }).click();
    await expect(verdict(page)).toHaveText(NOT_BAD);

    expect(page.url()).not.toContain(TOKEN);
    for (const r of guard.requests) expect(r.url).not.toContain(TOKEN);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(TOKEN);
  });

  test('an unknown id gets "No envelope with id … at …" (404)', async ({ page }) => {
    guard.expectErrors(/HTTP 404: /, /Failed to load resource/);
    await page.goto(`${site.url}#api=${apiOrigin}/cors&id=no-such-envelope`);
    await expect(page.getByRole('alert', { name: 'Server answer' })).toContainText(`No envelope with id no-such-envelope at ${apiOrigin}/cors`);
  });

  test('a manifest that is not JSON says the address may not be a JMIX API', async ({ page }) => {
    await page.goto(`${site.url}#api=${apiOrigin}/html&id=${API_ID}`);
    const alert = page.getByRole('alert', { name: 'Server answer' });
    await expect(alert).toContainText('is not JSON (text/html');
    await expect(alert).toContainText('may not be a JMIX API');
  });
});
