// The envelope screen with a failed check: it never looks like a pass, in words, colour or icon.
import { expect, test } from '@playwright/test';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { dropFile } from './support/app.ts';
import { tab, useEnvelopeScreen, verdict } from './support/envelope-screen.ts';

/** Console errors a test expects (and says why). */
let tolerated: RegExp | null = null;
useEnvelopeScreen(test, { tolerated: () => tolerated });

test.beforeEach(() => {
  tolerated = null;
});

test('a failed check never looks like a pass: words, colour and icon in the verdict and the tab', async ({ page }) => {
  const study = syntheticStudy({ ctSlices: 2, ctSize: 32, mrSlices: 1, mrSize: 32, usFrames: 1 });
  const tampered = toZip(
    await packEnvelope({
      dialect: 'spec',
      payloadFiles: study.files,
      signWith: crypto.getRandomValues(new Uint8Array(32)),
      tamper: 'payload-byte',
    }),
    'root',
  );
  // The flipped byte may land in a DICOM header: the image loader saying so is expected here.
  tolerated = /Invalid vr type/;
  await page.goto('/');
  await dropFile(page, 'tampered.zip', tampered);
  await expect(verdict(page)).toHaveText(/✗\s*Damaged/);
  await expect(verdict(page)).toHaveClass(/verdict--fail/);
  const bg = await verdict(page).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(bg).toBe('rgb(164, 14, 38)'); // --fail: red, never the pass green
  await expect(page.locator('.verdict-bar__counts')).toContainText(/✗ \d+ failed/);
  await expect(tab(page, 'Trust checks')).toContainText(/✗ \d+ failed/);
  await expect(page.locator('.check--fail .badge--fail').first()).toContainText('✗ Failed');
  // The counts button takes the keyboard to the checks.
  await page.locator('.verdict-bar__counts').click();
  await expect(tab(page, 'Trust checks')).toBeFocused();
});
