// Issue 4's acceptance path through the real app: envelopes built by our packer from the project's
// synthetic study and from every real DICOM file in ../shared/dicom/real are opened, decrypted and
// every series is checked on screen (not blank; W/L, invert and scroll change the pixels). Tagged
// @cpu so it also runs with --disable-webgl (Cornerstone's CPU path).
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { generateX25519KeyPair } from '../src/jmix/crypto/x25519.ts';
import { guardNetworkAndErrors, openWithPicker, verdict } from './support/app.ts';
import { exerciseAllSeries, viewport } from './support/viewer-checks.ts';

const REAL_DIR = resolve(import.meta.dirname, '../../shared/dicom/real');
const dir = mkdtempSync(join(tmpdir(), 'jmix-envelope-viewer-'));
const recipient = generateX25519KeyPair();

guardNetworkAndErrors(test);

async function showImagesWithoutOverlays(page: import('@playwright/test').Page) {
  await expect(page.getByTestId('series-button').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('viewer-status')).toHaveText('rendered', { timeout: 60_000 });
  const toggle = page.getByRole('button', { name: 'Toggle overlays' });
  if ((await toggle.getAttribute('aria-pressed')) === 'true') await toggle.click();
}

test("the project's 40-slice 512×512 CT, MR and multi-frame US in an encrypted envelope @cpu", async ({ page }) => {
  const study = syntheticStudy({ seed: 11, ctSlices: 40, ctSize: 512, mrSlices: 8, mrSize: 128, usFrames: 6 });
  const env = await packEnvelope({ dialect: 'jmix-rs', payloadFiles: study.files, encryptTo: recipient.publicKey });
  const zip = join(dir, 'synthetic.zip');
  writeFileSync(zip, toZip(env, 'root'));
  await page.goto('/');
  await openWithPicker(page, zip);
  await page.getByLabel('Recipient private key').fill(bytesToBase64(recipient.privateKey));
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expect(verdict(page)).not.toContainText(/Damaged|Could not be decrypted/, { timeout: 60_000 });
  await showImagesWithoutOverlays(page);
  await expect(page.getByTestId('series-button')).toHaveCount(3);
  await expect(viewport(page)).toHaveAttribute('data-slice-count', '40');
  await exerciseAllSeries(page, 'synthetic study');
});

test.describe('envelope holding every real DICOM file', () => {
  test.skip(!existsSync(REAL_DIR), `${REAL_DIR} is absent: this test needs ../shared/dicom/real.`);

  // WebGL only: on the CPU path, browsing all 12 series in one page leaves the 1024×1024 JPEG 2000
  // lossy MR decoded nearly black after the others (its thumbnail too); opened alone it renders,
  // and viewer.spec.ts checks every file of the corpus on the CPU path group by group. Known bug,
  // left open in the closing note.
  test('every series renders and responds', async ({ page }) => {
    const files = readdirSync(REAL_DIR)
      .filter((f) => f !== 'README.md')
      .map((f) => ({ path: `dicom/${f}`, bytes: new Uint8Array(readFileSync(join(REAL_DIR, f))) }));
    const env = await packEnvelope({ dialect: 'jmix-php', payloadFiles: files });
    const zip = join(dir, 'real.zip');
    writeFileSync(zip, toZip(env, 'wrapped'));
    await page.goto('/');
    await openWithPicker(page, zip);
    await expect(verdict(page)).not.toContainText(/Damaged|Could not be decrypted/, { timeout: 60_000 });
    await showImagesWithoutOverlays(page);
    // 18 files: 12 series (two pairs and a triple hold one image in several encodings).
    await expect(page.getByTestId('series-button')).toHaveCount(12);
    // Some series hold one image in several transfer syntaxes, others several frames: after a scroll
    // the next image must be shown (pixel equivalence per syntax is checked in viewer.spec.ts).
    await exerciseAllSeries(page, 'real corpus', 'shown');
  });
});

test('closing the envelope while images are still loading leaves no error and no images', async ({ page }) => {
  const study = syntheticStudy({ seed: 12, ctSlices: 40, ctSize: 512, mrSlices: 4, mrSize: 64, usFrames: 3 });
  const env = await packEnvelope({ dialect: 'jmix-php', payloadFiles: study.files });
  const zip = join(dir, 'close-early.zip');
  writeFileSync(zip, toZip(env, 'wrapped'));
  await page.goto('/');
  await openWithPicker(page, zip);
  // As soon as the viewer appears (decodes are starting), close.
  await expect(page.getByTestId('viewport')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Close envelope' }).click();
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
  await expect(page.getByTestId('viewport')).toHaveCount(0);
  // Give any in-flight decode time to settle; the guard fails the test on a page error.
  await page.waitForTimeout(3000);
});
