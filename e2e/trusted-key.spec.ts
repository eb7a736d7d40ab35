// A signing key the user got from the sender by another route: pasting it re-checks manifest.jws
// against it. The envelope's own embedded key only proves the manifest is intact.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticStudy } from '../scripts/lib/dicom-synth.ts';
import { packEnvelope, toZip } from '../scripts/lib/pack.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey } from '../src/jmix/crypto/ed25519.ts';
import { guardNetworkAndErrors, openWithPicker, verdict } from './support/app.ts';

guardNetworkAndErrors(test);

const signer = new Uint8Array(32).map((_, i) => (i * 11 + 1) & 0xff);
const stranger = new Uint8Array(32).map((_, i) => (i * 13 + 7) & 0xff);

test('a trusted key from the sender confirms the signature; any other key is flagged', async ({ page }) => {
  const study = syntheticStudy({ seed: 21, ctSlices: 3, ctSize: 64, mrSlices: 2, mrSize: 32, usFrames: 2 });
  const env = await packEnvelope({ dialect: 'jmix-rs', payloadFiles: study.files, signWith: signer });
  const zip = join(mkdtempSync(join(tmpdir(), 'jmix-trust-')), 'signed.zip');
  writeFileSync(zip, toZip(env, 'root'));
  await page.goto('/');
  await openWithPicker(page, zip);
  await expect(verdict(page)).toContainText('Genuine and complete');
  await page.getByRole('tab', { name: /Trust checks/ }).click();

  const field = page.getByLabel("Sender's public key you trust (optional)");
  await field.fill('not a key');
  await page.getByRole('button', { name: 'Check with this key' }).click();
  await expect(page.getByRole('alert')).toContainText('not an Ed25519 public key');

  await field.fill(bytesToBase64(ed25519PublicKey(stranger)));
  await page.getByRole('button', { name: 'Check with this key' }).click();
  await expect(verdict(page)).not.toContainText('Genuine', { timeout: 30_000 });
  await page.getByRole('tab', { name: /Trust checks/ }).click();
  await expect(page.getByText('Signed, but not by a key you trust').first()).toBeVisible();

  await page.getByRole('button', { name: 'Close envelope' }).click();
  await openWithPicker(page, zip);
  await page.getByRole('tab', { name: /Trust checks/ }).click();
  await field.fill(bytesToBase64(ed25519PublicKey(signer)));
  await page.getByRole('button', { name: 'Check with this key' }).click();
  await expect(page.getByText('2 trusted key(s) in use for this session.')).toBeVisible();
  // One of the trusted keys made the signature: the check passes and says so.
  await expect(verdict(page)).toContainText('Genuine and complete');
  const jws = page.locator('details', { hasText: 'manifest.jws' }).first();
  await jws.locator('summary').click();
  await expect(jws).toContainText('your trusted key');
});
