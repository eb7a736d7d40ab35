// `#api=` links against a local JMIX API in harmony's shape, from the built site under a sub-path:
// manifest first, download on request, CORS or a same-origin proxy, tokens. Needs `npm run build` first.
import { expect, test } from '@playwright/test';
import { formatBytes } from '../src/ui/format.ts';
import { verdict } from './support/app.ts';
import { API_ID, apiOrigin, envelopeZip, NOT_BAD, serveStaticSite, site, TOKEN } from './support/static-site.ts';

const guard = serveStaticSite(test);

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
    expect(
      guard.requests.some((r) => r.url === envelopeUrl && r.method === 'GET'),
      'no download before the user confirms',
    ).toBe(false);

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
    await expect(page.getByRole('alert', { name: 'Server answer' })).toContainText(
      `No envelope with id no-such-envelope at ${apiOrigin}/cors`,
    );
  });

  test('a manifest that is not JSON says the address may not be a JMIX API', async ({ page }) => {
    await page.goto(`${site.url}#api=${apiOrigin}/html&id=${API_ID}`);
    const alert = page.getByRole('alert', { name: 'Server answer' });
    await expect(alert).toContainText('is not JSON (text/html');
    await expect(alert).toContainText('may not be a JMIX API');
  });
});
