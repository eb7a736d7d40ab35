// Trust, as a person meets it (issue 11): a key carried in the envelope proves it intact, not who
// made it; a key pasted from the sender, or remembered with "Trust this sender", makes it genuine;
// a remembered sender signing with another key is flagged loudly.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { ed25519PublicKey } from '../src/jmix/crypto/ed25519.ts';
import { guardNetworkAndErrors, openWithPicker, verdict } from './support/app.ts';

guardNetworkAndErrors(test);

const signer = new Uint8Array(32).map((_, i) => (i * 11 + 1) & 0xff);
const stranger = new Uint8Array(32).map((_, i) => (i * 13 + 7) & 0xff);

const INTACT_UNTRUSTED = /Intact, signed by key SHA256:[0-9a-f]{16}… that you have not marked as trusted/;

async function zipOf(env: Awaited<ReturnType<typeof packEnvelope>>, name: string): Promise<string> {
  const zip = join(mkdtempSync(join(tmpdir(), 'jmix-trust-')), name);
  writeFileSync(zip, toZip(env, 'root'));
  return zip;
}

test('a trusted key from the sender confirms the signature; any other key is flagged', async ({ page }) => {
  const study = syntheticStudy({ seed: 21, ctSlices: 3, ctSize: 64, mrSlices: 2, mrSize: 32, usFrames: 2 });
  const zip = await zipOf(await packEnvelope({ dialect: 'jmix-rs', payloadFiles: study.files, signWith: signer }), 'signed.zip');
  await page.goto('/');
  await openWithPicker(page, zip);
  await expect(verdict(page)).toHaveText(INTACT_UNTRUSTED);
  await page.getByRole('tab', { name: /Trust checks/ }).click();

  const field = page.getByLabel("Sender's public key you trust (optional)");
  await field.fill('not a key');
  await page.getByRole('button', { name: 'Check with this key' }).click();
  await expect(page.getByRole('alert')).toContainText('not an Ed25519 public key');

  await field.fill(bytesToBase64(ed25519PublicKey(stranger)));
  await page.getByRole('button', { name: 'Check with this key' }).click();
  await expect(page.getByText('1 trusted key(s) in use for this session.')).toBeVisible();
  await expect(verdict(page)).toHaveText(INTACT_UNTRUSTED);

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

test("jmix-rs records its JWS key nowhere: 'paste the sender's public key', then genuine", async ({ page }) => {
  const study = syntheticStudy({ seed: 22, ctSlices: 2, ctSize: 64, mrSlices: 1, mrSize: 32, usFrames: 1 });
  const jwsKey = new Uint8Array(32).map((_, i) => (i * 17 + 9) & 0xff);
  const zip = await zipOf(
    await packEnvelope({ dialect: 'jmix-rs', payloadFiles: study.files, signWith: signer, jwsWith: jwsKey }),
    'rs.zip',
  );
  await page.goto('/');
  await openWithPicker(page, zip);
  await expect(verdict(page)).toHaveText(/Intact, but signed by a key you have not given: paste the sender's public key/);
  await expect(page.getByText('Damaged')).toHaveCount(0);
  // No key verified the signature, so there is nothing to "trust" yet.
  await expect(page.getByRole('button', { name: 'Trust this sender' })).toHaveCount(0);
  await page.getByRole('tab', { name: /Trust checks/ }).click();
  await page.getByLabel("Sender's public key you trust (optional)").fill(bytesToBase64(ed25519PublicKey(jwsKey)));
  await page.getByRole('button', { name: 'Check with this key' }).click();
  await expect(verdict(page)).toContainText('Genuine and complete');
});

test('"Trust this sender" remembers the key for that sender id; another key for the same sender is flagged', async ({ page }) => {
  const study = syntheticStudy({ seed: 23, ctSlices: 2, ctSize: 64, mrSlices: 1, mrSize: 32, usFrames: 1 });
  const genuine = await zipOf(await packEnvelope({ dialect: 'spec', payloadFiles: study.files, signWith: signer }), 'genuine.zip');
  const impostor = await zipOf(await packEnvelope({ dialect: 'spec', payloadFiles: study.files, signWith: stranger }), 'impostor.zip');
  await page.goto('/');
  await openWithPicker(page, genuine);
  await expect(verdict(page)).toHaveText(INTACT_UNTRUSTED);
  await page.getByRole('button', { name: 'Trust this sender' }).click();
  // Nothing is remembered until the fingerprint was shown and the user confirmed.
  await expect(page.locator('.trust-sender__fp')).toHaveText(/^SHA256:[0-9a-f]{64}$/);
  expect(await page.evaluate(() => localStorage.getItem('jmix-viewer.trusted-senders.v1'))).toBeNull();
  await page.getByRole('button', { name: 'Remember this key for Harbour Imaging' }).click();
  await expect(verdict(page)).toContainText('Genuine and complete');
  await expect(page.getByRole('button', { name: 'Trust this sender' })).toHaveCount(0);
  const stored = await page.evaluate(() => localStorage.getItem('jmix-viewer.trusted-senders.v1') ?? '');
  expect(stored).toContain('org:harbour-imaging');
  expect(stored).toContain(bytesToBase64(ed25519PublicKey(signer)));

  // The same sender id, signed by someone else's key (carried in that envelope): loud, never genuine.
  await page.getByRole('button', { name: 'Close envelope' }).click();
  await openWithPicker(page, impostor);
  await expect(verdict(page)).toHaveText(/Warning: signed by a different key than the one you trusted for Harbour Imaging/);
  await expect(page.getByRole('button', { name: 'Trust this sender' })).toHaveCount(0);

  // Forgetting the sender takes the warning back to "not marked as trusted".
  await page.getByRole('tab', { name: /Trust checks/ }).click();
  await page.getByRole('button', { name: 'Forget the key for Harbour Imaging' }).click();
  await expect(verdict(page)).toHaveText(INTACT_UNTRUSTED);
  expect(await page.evaluate(() => localStorage.getItem('jmix-viewer.trusted-senders.v1'))).toBe('[]');
});

test('files no check covers are said to be so: a banner, the coverage list, and a mark on each file', async ({ page }) => {
  const study = syntheticStudy({ seed: 24, ctSlices: 2, ctSize: 64, mrSlices: 1, mrSize: 32, usFrames: 1 });
  const env = await packEnvelope({ dialect: 'spec', payloadFiles: study.files });
  // The producer recorded no payload hash (and no files.json): nothing vouches for the payload.
  const files = env.files
    .filter((f) => f.path !== 'payload/files.json')
    .map((f) =>
      f.path === 'manifest.json'
        ? {
            ...f,
            bytes: Buffer.from(
              Buffer.from(f.bytes)
                .toString('utf8')
                .replace(/"payload_hash": "[^"]*"/, '"payload_hash": ""'),
            ),
          }
        : f,
    );
  const zip = await zipOf({ ...env, files }, 'uncovered.zip');
  await page.goto('/');
  await openWithPicker(page, zip);
  await expect(verdict(page)).toHaveText(/Could not verify the sender or the contents/);
  await expect(page.getByRole('note')).toContainText('No check covers the payload files (images and report included)');
  await page.getByRole('tab', { name: /Trust checks/ }).click();
  const coverage = page.getByRole('region', { name: 'What the checks cover' });
  await expect(coverage).toContainText(/Payload files: \d+ file\(s\) not covered by any check/);
  await expect(coverage).toContainText('audit.json (the audit trail): not covered by any check');
  await page.getByRole('tab', { name: /^Files/ }).click();
  await expect(page.getByRole('region', { name: 'Files in the envelope' }).locator('li', { hasText: 'metadata.json' })).toContainText(
    'not covered by any check',
  );
});
