// The envelope screen on a phone (390×844): nothing overflows sideways, the viewer first.
import { expect, test } from '@playwright/test';
import { dropFile } from './support/app.ts';
import { SHOTS, tab, useEnvelopeScreen, verdict, withImages } from './support/envelope-screen.ts';

useEnvelopeScreen(test);

test('phone (390×844): nothing overflows sideways, the viewer comes first and the details under it', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await dropFile(page, 'with-images.zip', withImages);
  await expect(verdict(page)).toBeVisible();
  const viewer = page.getByRole('region', { name: 'Images' });
  await expect(viewer).toBeVisible();
  await expect(page.getByTestId('viewer-status')).toHaveAttribute('data-status', 'rendered');
  const noSideScroll = () => page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth);
  expect(await noSideScroll()).toBe(true);
  const viewerBox = (await viewer.boundingBox())!;
  expect(viewerBox.height).toBeGreaterThan(844 * 0.5);
  const details = page.getByRole('complementary', { name: 'Envelope details' });
  expect((await details.boundingBox())!.y).toBeGreaterThanOrEqual(viewerBox.y + viewerBox.height - 1);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/envelope-phone.png`, fullPage: true });
  for (const name of [
    'Patient',
    'Study',
    'Sender and recipients',
    'About this envelope',
    'Audit trail',
    'Files and report',
    'Trust checks',
  ]) {
    await tab(page, name).click();
    if (name === 'Files and report') await expect(page.locator('canvas.pdf-report__canvas')).toHaveAttribute('data-rendered', 'true');
    expect(await noSideScroll(), `no sideways scroll on the ${name} tab`).toBe(true);
  }
  // Scrolled to the very end of the details, the verdict is still pinned on screen.
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
  expect(await page.evaluate(() => scrollY)).toBeGreaterThan(500);
  await expect(verdict(page)).toBeInViewport();
  // The report fits the phone's width.
  await tab(page, 'Files and report').click();
  expect((await page.locator('canvas.pdf-report__canvas').boundingBox())!.width).toBeLessThanOrEqual(390);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/envelope-phone-report.png`, fullPage: true });
});
