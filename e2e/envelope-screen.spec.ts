// The envelope screen as a layout: verdict on top, a large viewer, every details tab reachable by
// keyboard, the PDF report drawn by pdf.js (not blank), the details in the main area without
// images or before decryption, and no request leaving 127.0.0.1. A failed verdict:
// envelope-screen-fail.spec.ts; a phone: envelope-screen-phone.spec.ts.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { dropFile } from './support/app.ts';
import {
  canvasInk,
  encrypted,
  IHI,
  recipientKey,
  reportOnly,
  requests,
  SHOTS,
  tab,
  tabToTablist,
  useEnvelopeScreen,
  verdict,
  withImages,
} from './support/envelope-screen.ts';

useEnvelopeScreen(test);

test('with images: verdict on top, a large viewer, every details tab by keyboard, the report drawn', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFile(page, 'with-images.zip', withImages);

  // The verdict line: visible, near the top, never pushed away by the viewer.
  await expect(verdict(page)).toBeVisible();
  await expect(verdict(page)).toHaveText(/Genuine|Intact|Complete|warning|Could not verify/);
  const verdictBox = (await verdict(page).boundingBox())!;
  expect(verdictBox.y).toBeLessThan(160);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('44444444-4444-4444-8444-444444444444');
  await expect(page.locator('.env-header__patient')).toContainText('JANE CITIZEN');
  await expect(page.getByRole('button', { name: 'Close envelope' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save decrypted study' })).toBeVisible();

  // The viewer owns the main area: most of the viewport's height, beside the details.
  const viewer = page.getByRole('region', { name: 'Images' });
  await expect(viewer).toBeVisible();
  await expect(page.getByTestId('viewer-status')).toHaveAttribute('data-status', 'rendered');
  const viewerBox = (await viewer.boundingBox())!;
  expect(viewerBox.height).toBeGreaterThan(800 * 0.5);
  expect(viewerBox.y).toBeGreaterThan(verdictBox.y);
  const details = page.getByRole('complementary', { name: 'Envelope details' });
  const detailsBox = (await details.boundingBox())!;
  expect(detailsBox.x).toBeGreaterThanOrEqual(viewerBox.x + viewerBox.width - 1);
  // An app screen, not a long page: nothing scrolls the document itself.
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight + 1)).toBe(true);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/envelope-wide.png` });

  // No serious accessibility fault in the envelope screen (the viewer has its own checks).
  const axe = await new AxeBuilder({ page }).exclude('.jv-root').analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // Keyboard only: reach the tab list, then walk every tab with the arrow keys.
  await tabToTablist(page);
  await expect(tab(page, 'Trust checks')).toBeFocused();
  await expect(tab(page, 'Trust checks')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.check--pass').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download report (JSON)' })).toBeVisible();

  const walk: { name: string; shows: (p: Page) => ReturnType<Page['locator']> }[] = [
    { name: 'Patient', shows: (p) => p.getByText(IHI, { exact: true }) },
    { name: 'Study', shows: (p) => p.locator('table.series tbody tr').first() },
    { name: 'Sender and recipients', shows: (p) => p.getByText('Harbour Imaging', { exact: true }) },
    { name: 'About this envelope', shows: (p) => p.locator('dt:text-is("Envelope ID")') },
    { name: 'Audit trail', shows: (p) => p.locator('ol.timeline li').first() },
    { name: 'Files and report', shows: (p) => p.getByRole('region', { name: 'Report: report.pdf' }) },
  ];
  for (const step of walk) {
    await page.keyboard.press('ArrowRight');
    const t = tab(page, step.name);
    await expect(t).toBeFocused();
    await expect(t).toHaveAttribute('aria-selected', 'true');
    const panel = page.locator(`#${await t.getAttribute('aria-controls')}`);
    await expect(panel).toBeVisible();
    await expect(step.shows(page)).toBeVisible();
    // Only the selected panel is shown.
    await expect(page.getByRole('tabpanel')).toHaveCount(1);
  }
  await expect(page.locator('table.series tbody tr')).toHaveCount(3);
  // Wrap-around, Home and End.
  await page.keyboard.press('ArrowRight');
  await expect(tab(page, 'Trust checks')).toBeFocused();
  await page.keyboard.press('End');
  await expect(tab(page, 'Files and report')).toHaveAttribute('aria-selected', 'true');
  // Tab goes on to the panel's width control, then into the panel, whose content is reachable next.
  await page.keyboard.press('Tab');
  const widen = page.getByRole('button', { name: 'Wide panel' });
  await expect(widen).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(widen).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await details.boundingBox())!.width).toBeGreaterThan(detailsBox.width * 1.4);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('tabpanel')).toBeFocused();

  // The report: drawn by pdf.js into a canvas, readable (dark ink on white), with its actions.
  const canvas = page.locator('canvas.pdf-report__canvas');
  await expect(canvas).toHaveAttribute('data-rendered', 'true');
  await expect(canvas).toBeVisible();
  const ink = await canvasInk(page, 'canvas.pdf-report__canvas');
  expect(ink.width).toBeGreaterThanOrEqual(900);
  expect(ink.dark, 'share of dark (text) pixels').toBeGreaterThan(0.0005);
  expect(ink.light, 'share of light (paper) pixels').toBeGreaterThan(0.85);
  await expect(page.getByRole('img', { name: 'Page 1 of report.pdf' })).toBeVisible();
  await page.getByText('Text of page 1').click();
  await expect(page.locator('.pdf-report__text pre')).toContainText('Radiology report');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report', exact: true }).click();
  expect((await download).suggestedFilename()).toBe('report.pdf');
  // The browser's own PDF viewer would run the file's scripts: the original is only ever downloaded.
  await expect(page.getByRole('link', { name: /original/i })).toHaveCount(0);
  // pdf.js came from this app's own files, in a chunk and a worker of its own.
  expect(requests.some((u) => /\/assets\/pdf\.worker\.min-[\w-]+\.mjs$/.test(u))).toBe(true);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/envelope-report.png` });

  // Closing returns to the start screen.
  await page.getByRole('button', { name: 'Close envelope' }).click();
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
});

test('without images: the details take the main area; a two-page report pages by button', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFile(page, 'report-only.zip', reportOnly);
  await expect(verdict(page)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Images' })).toHaveCount(0);
  const details = page.getByRole('region', { name: 'Envelope details' });
  await expect(details).toBeVisible();
  expect((await details.boundingBox())!.width).toBeGreaterThan(1280 * 0.6);

  await tab(page, 'Files and report').click();
  const canvas = page.locator('canvas.pdf-report__canvas');
  await expect(canvas).toHaveAttribute('data-rendered', 'true');
  await expect(page.getByText('Page 1 of 2')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  const first = await canvasInk(page, 'canvas.pdf-report__canvas');
  expect(first.dark).toBeGreaterThan(0.0005);
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByText('Page 2 of 2')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Page 2 of 2 of report.pdf' })).toBeVisible();
  await expect(canvas).toHaveAttribute('data-rendered', 'true');
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await page.getByText('Text of page 2').click();
  await expect(page.locator('.pdf-report__text pre')).toHaveText('Page two of the report');
  expect((await canvasInk(page, 'canvas.pdf-report__canvas')).dark).toBeGreaterThan(0.0005);
  // The details scroll under the header; the verdict stays on screen.
  await page.locator('.env-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  expect(await page.locator('.env-scroll').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await expect(verdict(page)).toBeInViewport();
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight + 1)).toBe(true);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/envelope-no-images.png` });
});

test('before decryption the key prompt and the details take the main area; the key brings the viewer', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFile(page, 'encrypted.zip', encrypted);
  await expect(verdict(page)).toContainText('Encrypted');
  const field = page.getByRole('textbox', { name: 'Recipient private key' });
  await expect(field).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load key file' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Images' })).toHaveCount(0);
  const details = page.getByRole('region', { name: 'Envelope details' });
  await expect(details).toBeVisible();
  // The key comes first, the details under it, both in the page's main column.
  expect((await details.boundingBox())!.y).toBeGreaterThan((await field.boundingBox())!.y);
  await tab(page, 'Files').click();
  await expect(page.getByText('The files are listed once the envelope is decrypted.')).toBeVisible();
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/envelope-key.png` });

  await field.fill(Buffer.from(recipientKey).toString('base64'));
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expect(page.getByRole('region', { name: 'Images' })).toBeVisible();
  await expect(field).toHaveCount(0);
  // The tab the person had open stays open, now beside the viewer.
  await expect(tab(page, 'Files and report')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('canvas.pdf-report__canvas')).toHaveAttribute('data-rendered', 'true');
});
