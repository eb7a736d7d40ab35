// Security of the page itself (issue #6): the Content-Security-Policy is in force (a <meta> from the
// first byte, narrowed by src/ui/csp.ts to this origin plus the link's origin), the whole app runs
// under it without one violation (workers, codec WASM, vtk.js, pdf.js, the service worker), injected
// inline script does not run, and a key never reaches storage, logs or the address bar; the report
// PDF never gets a URL of its own (issue 16: a tab showing it would run its script).
import { createServer, type Server } from 'node:http';
import { x25519 } from '@noble/curves/ed25519.js';
import { expect, test, type Page } from '@playwright/test';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../fixtures/pdf/synth.ts';
import { verdict } from './support/app.ts';

/** Signed by the key the envelope carries: intact, not genuine until the user trusts the sender. */
const INTACT = /Intact, signed by key SHA256:/;

let encryptedZip: Uint8Array;
let plainZip: Uint8Array;
let recipientKey: Uint8Array;
/** Two "other" origins: A serves the envelope for links, B is a third party nobody linked to. */
let servers: Server[] = [];
let originA = '';
let originB = '';

async function corsServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const headers = { 'access-control-allow-origin': '*', 'content-type': 'application/zip' };
    if (req.url?.endsWith('/plain.zip')) res.writeHead(200, headers).end(plainZip);
    else res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end('pong');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  servers.push(server);
  return { server, origin: `http://127.0.0.1:${addr.port}` };
}

test.beforeAll(async () => {
  const study = syntheticStudy({ ctSlices: 3, ctSize: 64, mrSlices: 1, mrSize: 32, usFrames: 1 });
  const payloadFiles = [
    ...study.files,
    { path: 'files/report.pdf', bytes: syntheticPdfReport(['Radiology report', 'No acute findings.']) },
  ];
  const signWith = crypto.getRandomValues(new Uint8Array(32));
  const recipient = x25519.keygen();
  recipientKey = recipient.secretKey;
  encryptedZip = toZip(
    await packEnvelope({
      dialect: 'spec',
      payloadFiles,
      signWith,
      encryptTo: recipient.publicKey,
      id: '77777777-7777-4777-8777-777777777777',
    }),
    'root',
  );
  plainZip = toZip(await packEnvelope({ dialect: 'spec', payloadFiles, signWith, id: '88888888-8888-4888-8888-888888888888' }), 'root');
  originA = (await corsServer()).origin;
  originB = (await corsServer()).origin;
});

test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
  servers = [];
});

// As guardNetworkAndErrors, plus the console lines a test provokes on purpose (it says which).
let requests: string[] = [];
let errors: string[] = [];
let tolerated: RegExp | null = null;
test.beforeEach(async ({ page }) => {
  requests = [];
  errors = [];
  tolerated = null;
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Invalid vr type (xs|ox|px)\b/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
});
test.afterEach(async () => {
  const off = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).hostname !== '127.0.0.1');
  expect(off, 'requests that left 127.0.0.1').toEqual([]);
  expect(
    errors.filter((e) => !tolerated?.test(e)),
    'page errors',
  ).toEqual([]);
});

/** Collects CSP violations from the first script on (the event fires on the document). */
async function watchViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

async function dropZip(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open envelope' }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(bytes) });
}

/** fetch() from the page: 'ok', or 'blocked' when it throws (CSP refusals throw a TypeError). */
const tryFetch = (page: Page, url: string) =>
  page.evaluate(async (u) => {
    try {
      await (await fetch(u)).text();
      return 'ok';
    } catch {
      return 'blocked';
    }
  }, url);

test.describe('Content-Security-Policy', () => {
  test('the baseline <meta> and the connect-src narrowing are in force; inline script and eval do not run', async ({ page }) => {
    // Chromium reports each refusal on the console: these are the ones this test provokes.
    tolerated = /Refused to (execute|evaluate)|violates the following Content Security Policy/;
    await watchViolations(page);
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
    const policies = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .evaluateAll((m) => m.map((x) => x.getAttribute('content') ?? ''));
    expect(policies).toHaveLength(2);
    expect(policies).toContain("connect-src 'self' blob:");
    const baseline = policies.find((p) => p.startsWith('default-src'))!;
    for (const directive of [
      "script-src 'self' 'wasm-unsafe-eval'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'none'",
      "frame-src 'none'",
    ])
      expect(baseline).toContain(directive);

    // An injected inline script, an inline event handler and eval: none runs.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __inline?: number; __handler?: number; __eval?: number };
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      const div = document.createElement('div');
      div.innerHTML = '<img src="data:," onload="window.__handler = 1" onerror="window.__handler = 1">';
      document.body.append(div);
      // DevTools evaluation is exempt from the eval check; a timer callback runs as the page's own code.
      const evalResult = await new Promise<string>((ok) =>
        setTimeout(() => {
          try {
            ok(String((0, eval)('window.__eval = 1')));
          } catch {
            ok('blocked'); // refused by script-src (no 'unsafe-eval')
          }
        }, 0),
      );
      await new Promise((ok) => setTimeout(ok, 300));
      return { inline: w.__inline ?? 0, handler: w.__handler ?? 0, eval: evalResult, evalFlag: w.__eval ?? 0 };
    });
    expect(ran).toEqual({ inline: 0, handler: 0, eval: 'blocked', evalFlag: 0 });
    const seen = await violations(page);
    expect(seen.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
    expect(seen.some((v) => v.startsWith('script-src-attr inline'))).toBe(true);
    expect(seen.some((v) => v.startsWith('script-src eval'))).toBe(true);
  });

  test('fetch to another origin is refused unless it is the origin of the link being opened', async ({ page }) => {
    tolerated = /Refused to connect|violates the following Content Security Policy/;
    await watchViolations(page);
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
    // Chromium honours the policy src/ui/csp.ts inserted: no link, so only this origin.
    expect(await tryFetch(page, `${originA}/ping`)).toBe('blocked');
    expect(await tryFetch(page, new URL('demo/index.json', page.url()).href)).toBe('ok');
    expect(await violations(page)).toEqual([`connect-src ${originA}/ping`]);

    // A link to origin A: the policy is rebuilt for A (the page reloads), the envelope downloads.
    await page.evaluate(() => ((window as unknown as { __beforeReload: boolean }).__beforeReload = true));
    await page.evaluate((src) => (location.hash = `#src=${src}`), `${originA}/plain.zip`);
    await expect(verdict(page)).toHaveText(INTACT);
    expect(
      await page.evaluate(() => (window as unknown as { __beforeReload?: boolean }).__beforeReload ?? false),
      'the page was reloaded',
    ).toBe(false);
    const policies = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .evaluateAll((m) => m.map((x) => x.getAttribute('content') ?? ''));
    expect(policies).toContain(`connect-src 'self' blob: ${originA}`);
    expect(await tryFetch(page, `${originA}/ping`)).toBe('ok');
    // A third origin, which the envelope or a script might try to reach: refused.
    expect(await tryFetch(page, `${originB}/ping`)).toBe('blocked');
    expect(await violations(page)).toEqual([`connect-src ${originB}/ping`]);
  });

  test('the whole app runs under the policy: workers, codecs, vtk.js, pdf.js and the service worker', async ({ page }) => {
    await watchViolations(page);
    await page.goto('/');
    await dropZip(page, 'encrypted.zip', encryptedZip);
    await page.getByRole('textbox', { name: 'Recipient private key' }).fill(Buffer.from(recipientKey).toString('base64'));
    await page.getByRole('button', { name: 'Decrypt' }).click();
    await expect(verdict(page)).toHaveText(INTACT);
    await expect(page.getByTestId('viewer-status')).toHaveAttribute('data-status', 'rendered');
    await page.getByRole('tab', { name: 'Files and report' }).click();
    await expect(page.locator('canvas.pdf-report__canvas')).toHaveAttribute('data-rendered', 'true');
    const sw = await page.evaluate(async () => {
      const reg = await Promise.race([navigator.serviceWorker.ready, new Promise<null>((ok) => setTimeout(() => ok(null), 15_000))]);
      return reg?.active?.state ?? 'none';
    });
    expect(sw).toMatch(/activat/);
    expect(await violations(page)).toEqual([]);
  });
});

test.describe('keys and references', () => {
  test('a typed key reaches no storage, log or address; the report has no standing URL', async ({ page }) => {
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    await page.goto('/');
    await dropZip(page, 'encrypted.zip', encryptedZip);
    const key = Buffer.from(recipientKey).toString('base64');
    await page.getByRole('textbox', { name: 'Recipient private key' }).fill(key);
    await page.getByRole('button', { name: 'Decrypt' }).click();
    await expect(verdict(page)).toHaveText(INTACT);
    await expect(page.getByTestId('viewer-status')).toHaveAttribute('data-status', 'rendered');
    await page.getByRole('tab', { name: 'Files and report' }).click();
    await expect(page.locator('canvas.pdf-report__canvas')).toHaveAttribute('data-rendered', 'true');
    // Drawn, and saved by "Download report": no blob: link that could open the PDF in a tab.
    await expect(page.locator('a[href^="blob:"]')).toHaveCount(0);

    const kept = await page.evaluate(async () => {
      const dump: string[] = [document.cookie, location.href, history.state === null ? '' : JSON.stringify(history.state)];
      for (const store of [localStorage, sessionStorage])
        for (let i = 0; i < store.length; i++) dump.push(store.key(i)!, store.getItem(store.key(i)!) ?? '');
      for (const db of await indexedDB.databases()) dump.push(db.name ?? '');
      for (const name of await caches.keys()) {
        dump.push(name);
        for (const req of await (await caches.open(name)).keys()) dump.push(req.url);
      }
      return dump.join('\n');
    });
    // No part of the key: every 8-character piece of its base64, base64url and hex forms.
    const forms = [key, Buffer.from(recipientKey).toString('base64url'), Buffer.from(recipientKey).toString('hex')];
    const pieces = forms.flatMap((f) => Array.from({ length: f.length - 7 }, (_, i) => f.slice(i, i + 8)));
    const hit = (text: string) => pieces.find((p) => text.includes(p)) ?? null;
    expect(hit(kept), 'storage, cookies, caches or the address').toBeNull();
    expect(hit(page.url())).toBeNull();
    expect(hit(logs.join('\n')), 'the console').toBeNull();

    await page.getByRole('button', { name: 'Close envelope' }).click();
    await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Recipient private key' })).toHaveCount(0);
    await expect(page.getByText('77777777-7777-4777-8777-777777777777')).toHaveCount(0);
    expect(hit(logs.join('\n')), 'the console').toBeNull();
  });
});
