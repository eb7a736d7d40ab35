// Links that are wrong in some way (issue 16): whatever is wrong, a key in the link leaves the
// address bar and the history entry before anything else happens, no request carries it, and the
// page says what is wrong with the link. And a download the server sends on to a third origin is
// refused with words that say so, not blamed on CORS.
import { createServer, type Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { guardNetworkAndErrors, type Guard } from './support/app.ts';

const guard: Guard = guardNetworkAndErrors(test);

/** A fresh key for each test, as a link would carry it (base64url of 32 bytes). */
function newKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

interface BadLink {
  what: string;
  fragment: (key: string) => string;
  message: RegExp;
}

const BAD_LINKS: BadLink[] = [
  {
    what: 'an ftp: address with a key',
    fragment: (k) => `#src=ftp://127.0.0.1/envelope.zip&key=${k}`,
    message: /uses "ftp:", but only http: and https: addresses can be downloaded/,
  },
  { what: 'an empty address with a key', fragment: (k) => `#src=&key=${k}`, message: /has "#src=" but no address after it/ },
  {
    what: 'an #api= link with &key= after the id',
    fragment: (k) => `#api=/jmix&id=abc&key=${k}`,
    message: /An "#api=" link carries no key/,
  },
  {
    what: 'an #api= id that swallowed an encoded &key=',
    fragment: (k) => `#api=/jmix&id=abc%26key%3D${k}`,
    message: /The link's "id" has a key written inside it/,
  },
  { what: 'the key given twice', fragment: (k) => `#src=demo/signed.zip&key=${k}&key=${k}`, message: /The link gives "key" twice/ },
  {
    what: 'an unknown parameter',
    fragment: (k) => `#src=demo/signed.zip&key=${k}&mode=fast`,
    message: /The link has "mode", which this viewer does not know/,
  },
  {
    what: 'the key under another name',
    fragment: (k) => `#src=demo/signed.zip&Key=${k}`,
    message: /looks like a key but is not named "key"/,
  },
  {
    what: 'broken percent-encoding in the address',
    fragment: (k) => `#src=demo%ZZsigned.zip&key=${k}`,
    message: /The link is damaged: "src" has a broken %-escape/,
  },
  {
    what: 'broken percent-encoding in the key',
    fragment: (k) => `#src=demo/signed.zip&key=${k}%E0%A4`,
    message: /The link is damaged: "key" has a broken %-escape/,
  },
];

function expectNoRequestCarried(key: string): void {
  expect(guard.requests.length, 'the page made requests (the check below saw something)').toBeGreaterThan(0);
  for (const { url } of guard.requests) {
    expect(url, 'a request').not.toContain(key);
    expect(url, 'a request').not.toMatch(/key(=|%3D)/i);
  }
}

/** Once the app has read the link (something is on screen about it): the key is nowhere, then the message. */
async function expectRefused(page: Page, bad: BadLink, key: string): Promise<void> {
  await expect(page.getByRole('alert').first()).toBeVisible();
  expect(page.url(), 'the address bar').not.toContain(key);
  expect(await page.evaluate(() => location.href), 'location').not.toContain(key);
  expect(JSON.stringify(await page.evaluate(() => history.state)), 'history.state').not.toContain(key);
  expectNoRequestCarried(key);
  expect(await page.locator('body').innerText(), 'the key on screen').not.toContain(key);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(bad.message);
  await expect(alert).toContainText('The key was removed from the address bar and was not used.');
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
}

/** Every entry of this tab's session history, as the browser keeps it (CDP): none holds the key. */
async function expectHistoryWithoutKey(page: Page, key: string, entries: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const history = (await cdp.send('Page.getNavigationHistory')) as { entries: { url: string }[] };
  await cdp.detach();
  expect(
    history.entries.map((e) => e.url),
    "the tab's history",
  ).toHaveLength(entries);
  for (const { url } of history.entries) expect(url, 'an address in history').not.toContain(key);
  expect(history.entries.at(-1)?.url).toBe(page.url());
}

for (const bad of BAD_LINKS) {
  test(`opened from the address bar, ${bad.what}: no key in address, history or requests; the link is refused`, async ({ page }) => {
    const key = newKey();
    await page.goto(`/${bad.fragment(key)}`);
    await expectRefused(page, bad, key);
    await expectHistoryWithoutKey(page, key, 2); // about:blank, the link
    expectNoRequestCarried(key);
  });

  test(`typed into an open page, ${bad.what}: the same`, async ({ page }) => {
    const key = newKey();
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
    // A new fragment on the same page: a hashchange and a new history entry, no reload.
    await page.evaluate((f) => (location.hash = f), bad.fragment(key));
    await expectRefused(page, bad, key);
    await expectHistoryWithoutKey(page, key, 3); // about:blank, the start page, the link
    expectNoRequestCarried(key);
  });
}

test.describe('a download sent on to a third origin', () => {
  let servers: Server[] = [];
  let linked = '';
  let third = '';
  let thirdHits = 0;

  test.beforeAll(async () => {
    const listen = async (handler: Parameters<typeof createServer>[1]) => {
      const server = createServer(handler);
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      servers.push(server);
      const addr = server.address();
      if (!addr || typeof addr === 'string') throw new Error('no port');
      return `http://127.0.0.1:${addr.port}`;
    };
    third = await listen((_req, res) => {
      thirdHits += 1;
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'application/zip' }).end('PK');
    });
    // The linked server allows this page (CORS) and redirects everything to the third origin, as a CDN might.
    linked = await listen((req, res) => {
      res.writeHead(302, { location: `${third}${req.url}`, 'access-control-allow-origin': '*' }).end();
    });
  });

  test.afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
    servers = [];
  });

  test.beforeEach(() => {
    thirdHits = 0;
    // The browser reports the refused connection itself; that line is what this test provokes.
    guard.expectErrors(/Refused to connect|Content Security Policy|Failed to load resource|net::ERR_/);
  });

  test('#src=: the page says the server sent it elsewhere, not that CORS refused it', async ({ page }) => {
    await page.goto(`/#src=${linked}/envelope.zip`);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText(
      `The server at ${linked} sent the download on to another address, and this page downloads only from the server the link names`,
    );
    await expect(alert).not.toContainText('CORS');
    expect(thirdHits, 'requests that reached the third origin').toBe(0);
  });

  test('#api=: the same for the manifest request', async ({ page }) => {
    await page.goto(`/#api=${linked}/jmix&id=abc-123`);
    const answer = page.getByRole('alert', { name: 'Server answer' });
    await expect(answer).toContainText(
      `The server at ${linked} sent the request on to another address, and this page talks only to the server the link names`,
    );
    await expect(answer).not.toContainText('CORS');
    expect(thirdHits, 'requests that reached the third origin').toBe(0);
  });
});
