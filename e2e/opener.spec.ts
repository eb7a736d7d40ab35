// The opener, driven as a person would: drop, pick, follow a link, type a key, read the verdict,
// save, close. Fixtures come from the project's own packer; nothing may leave 127.0.0.1.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { x25519 } from '@noble/curves/ed25519.js';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { writeFolder } from '../fixtures/envelopes/pack-node.ts';
import { packEnvelope, toTarGz, toZip, type PackOptions } from '../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../fixtures/pdf/synth.ts';
import { dropFile, guardNetworkAndErrors, openWithPicker, verdict } from './support/app.ts';

const IHI = '8003608166690503';
const SHARED_VECTORS = resolve(import.meta.dirname, '../../shared/jmix/vectors/jmix-js');

interface Fixtures {
  dir: string;
  dicom: { path: string; bytes: Uint8Array }[];
  recipientKey: Uint8Array;
  wrongKey: Uint8Array;
  signedZip: string;
  signedTarGz: string;
  signedFolder: string;
  encryptedZip: string;
  tamperedZip: string;
  encryptedId: string;
}

let fx: Fixtures;
let server: Server;
let serverOrigin = '';

test.beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'jmix-opener-'));
  const study = syntheticStudy({ ctSlices: 4, ctSize: 64, mrSlices: 3, mrSize: 64, usFrames: 2 });
  const pdf = syntheticPdfReport(['CT chest report', 'No acute abnormality.']);
  const payloadFiles = [...study.files, { path: 'files/report.pdf', bytes: pdf }];
  const patient = {
    name: 'CITIZEN^JANE',
    id: 'MRN-42',
    birthDate: study.study.patient.birthDate,
    sex: 'F',
    ihi: IHI,
  };
  const base: PackOptions = { dialect: 'spec', payloadFiles, patient, signWith: crypto.getRandomValues(new Uint8Array(32)) };
  const recipient = x25519.keygen();
  const wrong = x25519.keygen();

  const signed = await packEnvelope({ ...base, id: '11111111-1111-4111-8111-111111111111' });
  const encrypted = await packEnvelope({ ...base, id: '22222222-2222-4222-8222-222222222222', encryptTo: recipient.publicKey });
  const tampered = await packEnvelope({ ...base, id: '33333333-3333-4333-8333-333333333333', tamper: 'payload-byte' });

  const put = async (name: string, bytes: Uint8Array) => {
    const p = join(dir, name);
    await writeFile(p, bytes);
    return p;
  };
  fx = {
    dir,
    dicom: study.files,
    recipientKey: recipient.secretKey,
    wrongKey: wrong.secretKey,
    signedZip: await put('signed.zip', toZip(signed, 'root')),
    signedTarGz: await put('signed.tar.gz', toTarGz(signed)),
    signedFolder: await writeFolder(signed, join(dir, 'folder')),
    encryptedZip: await put('encrypted.zip', toZip(encrypted, 'wrapped')),
    tamperedZip: await put('tampered.zip', toZip(tampered, 'root')),
    encryptedId: encrypted.id,
  };

  // The "remote" host for links: another port on 127.0.0.1. /cors/* allows this page, /nocors/* does not.
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/(cors|nocors|slow)\/([\w.-]+)$/.exec(url.pathname);
    const file = m ? join(fx.dir, m[2]!) : null;
    if (!m || !file || !existsSync(file)) {
      res.writeHead(404, m?.[1] === 'cors' ? { 'access-control-allow-origin': '*' } : {}).end('not found');
      return;
    }
    const bytes = await readFile(file);
    if (m[1] === 'slow') {
      // Half the file, then nothing: the page shows partial progress until the user cancels.
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(bytes.length), 'access-control-allow-origin': '*' });
      res.write(bytes.subarray(0, bytes.length >> 1));
      const stop = setTimeout(() => res.destroy(), 15_000);
      res.on('close', () => clearTimeout(stop));
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': String(bytes.length),
      ...(m[1] === 'cors' ? { 'access-control-allow-origin': '*' } : {}),
    });
    res.end(bytes);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('The test server has no port.');
  serverOrigin = `http://127.0.0.1:${addr.port}`;
});

test.afterAll(async () => {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  if (fx?.dir) await rm(fx.dir, { recursive: true, force: true });
});

// Every test: no request leaves this machine, no uncaught error, no console error.
const guard = guardNetworkAndErrors(test);

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const NOT_BAD = /^(?!.*(Damaged|Could not be decrypted)).+$/;
/** The envelope's details sit in tabs; a test opens the one it reads, as a person would. */
const openTab = (page: Page, name: string) => page.getByRole('tab', { name }).click();

async function expectStudyListed(page: Page): Promise<void> {
  const series = page.locator('table.series tbody tr');
  await expect(series).toHaveCount(3);
  await expect(page.locator('table.series')).toContainText('CT');
  await expect(page.locator('table.series')).toContainText('MR');
  await expect(page.locator('table.series')).toContainText('US');
}

test('start screen: the contract names, and nothing is uploaded', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('JMIX Viewer');
  await expect(page.getByRole('heading', { name: 'JMIX Viewer' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open folder' })).toBeVisible();
  await expect(page.getByText('Nothing is uploaded')).toBeVisible();
  // Keyboard path: Tab reaches "Open envelope" first.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeFocused();
});

test('drop a zip: summary, patient with IHI, series, sender and a trustworthy verdict', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, 'signed.zip', await readFile(fx.signedZip));
  await expect(verdict(page)).toHaveText(NOT_BAD);
  await expect(page.getByRole('heading', { name: /Envelope/ })).toContainText('11111111-1111-4111-8111-111111111111');
  await expectStudyListed(page);
  await openTab(page, 'Patient');
  await expect(page.getByText('Australian IHI', { exact: true })).toBeVisible();
  await expect(page.getByText(IHI, { exact: true })).toBeVisible();
  await openTab(page, 'Sender and recipients');
  await expect(page.getByText('Harbour Imaging', { exact: true })).toBeVisible();
  await openTab(page, 'Trust checks');
  await expect(page.locator('.check--fail')).toHaveCount(0);
  await expect(page.locator('.check--pass').first()).toBeVisible();
  await openTab(page, 'Audit trail');
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  await expect(page.locator('ol.timeline li').first()).toBeVisible();
  // The envelope was opened, decrypted and hashed in the pipeline worker, not on the page's thread.
  expect(guard.requests.some(({ url }) => /\/open-worker-[\w-]+\.js$/.test(url))).toBe(true);
});

test('pick a folder: "Open folder" falls back to a webkitdirectory input without showDirectoryPicker', async ({ page }) => {
  // showDirectoryPicker cannot be driven by a test; browsers without it (Firefox, Safari) take this path.
  await page.addInitScript(() => {
    delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
  });
  await page.goto('/');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open folder' }).click();
  await (await chooser).setFiles(fx.signedFolder);
  await expect(verdict(page)).toHaveText(NOT_BAD);
  await expectStudyListed(page);
  await expect(page.locator('dt:text-is("Carried in") + dd')).toContainText('folder');
});

test('"Open envelope" opens a tar.gz from the file picker', async ({ page }) => {
  await page.goto('/');
  await openWithPicker(page, fx.signedTarGz);
  await expect(verdict(page)).toHaveText(NOT_BAD);
  await expectStudyListed(page);
});

test('follow a link with a key: downloads, decrypts, and removes the key from the address bar', async ({ page }) => {
  const key = Buffer.from(fx.recipientKey).toString('base64url');
  await page.goto(`/#src=${serverOrigin}/cors/encrypted.zip&key=${key}`);
  await expect(verdict(page)).toHaveText(NOT_BAD);
  await expectStudyListed(page);
  await expect(page.getByRole('textbox', { name: 'Recipient private key' })).toHaveCount(0);
  expect(page.url()).not.toContain('key=');
  expect(page.url()).not.toContain(key);
  expect(page.url()).toContain('#src=');
  expect(guard.requests.some(({ url }) => url === `${serverOrigin}/cors/encrypted.zip`)).toBe(true);
});

test('a link the server refuses (CORS) says what happened and offers dropping the file', async ({ page }) => {
  await page.goto(`/#src=${serverOrigin}/nocors/encrypted.zip`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(`The server at ${serverOrigin} did not allow this page to download the file (CORS)`);
  await expect(alert).toContainText('drop it here');
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
  // Chromium itself logs the blocked request to the console; that one is expected here.
  guard.expectErrors(/CORS|Failed to load resource|net::ERR_FAILED/);
});

test('a slow download shows bytes and percent, and Cancel returns to the start screen', async ({ page }) => {
  await page.goto(`/#src=${serverOrigin}/slow/encrypted.zip`);
  await expect(page.getByRole('heading', { name: 'Downloading the envelope' })).toBeVisible();
  const total = (await readFile(fx.encryptedZip)).length;
  await expect(page.getByText(/of .*\(50%\)|of .*\(4\d%\)/)).toBeVisible();
  const bar = page.getByRole('progressbar');
  await expect(bar).toHaveAttribute('max', String(total));
  expect(Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('wrong key, then the right key from "Load key file", without reloading', async ({ page }) => {
  await page.goto('/');
  await openWithPicker(page, fx.encryptedZip);
  await expect(verdict(page)).toContainText('Encrypted');
  const field = page.getByRole('textbox', { name: 'Recipient private key' });
  await expect(field).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save decrypted study' })).toHaveCount(0);

  await field.fill(b64(fx.wrongKey));
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expect(verdict(page)).toHaveText(/Could not be decrypted: wrong key or damaged file/);
  await expect(page.locator('.key-prompt [role="alert"]')).toBeVisible();
  await expect(page.locator('.check--fail').first()).toContainText('Failed');

  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Load key file' }).click();
  await (await chooser).setFiles({ name: 'recipient.key', mimeType: 'application/octet-stream', buffer: Buffer.from(fx.recipientKey) });
  await expect(verdict(page)).toHaveText(NOT_BAD);
  await expectStudyListed(page);
  await expect(page.getByRole('textbox', { name: 'Recipient private key' })).toHaveCount(0);
  // The README's picture of a signed, encrypted envelope: `OPENER_SCREENSHOT=docs/opener.png npx playwright test ...`.
  if (process.env.OPENER_SCREENSHOT) await page.screenshot({ path: process.env.OPENER_SCREENSHOT, fullPage: true });
});

test('a tampered envelope says damaged, with the failed check visible', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, 'tampered.zip', await readFile(fx.tamperedZip));
  await expect(verdict(page)).toHaveText(/Damaged or altered: do not rely on it/);
  await expect(verdict(page)).toHaveClass(/verdict--fail/);
  const failed = page.locator('.check--fail');
  await expect(failed.first()).toBeVisible();
  await expect(failed.first()).toContainText('Failed');
  // Failed checks are open: their detail is readable without a click.
  await expect(failed.first().locator('.check__detail')).toBeVisible();
  // Never styled as a pass.
  await expect(failed.first().locator('.badge')).toHaveClass(/badge--fail/);
});

test('the PDF report is drawn by pdf.js (no PDF script, no frame); the verification report downloads', async ({ page }) => {
  await page.goto('/');
  await dropFile(page, 'signed.zip', await readFile(fx.signedZip));
  await openTab(page, 'Files and report');
  // Pixels only: a canvas, no frame or plugin that could run the PDF's own script.
  await expect(page.getByRole('region', { name: 'Report: report.pdf' })).toBeVisible();
  await expect(page.locator('canvas.pdf-report__canvas')).toHaveAttribute('data-rendered', 'true');
  await expect(page.locator('iframe, embed, object')).toHaveCount(0);
  // The original is a download of the exact bytes, never a page of its own (issue 16: a tab would run its script).
  await expect(page.getByRole('link', { name: /original/i })).toHaveCount(0);
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report', exact: true }).click();
  const head = (await readFile((await (await saved).path())!)).subarray(0, 5).toString('latin1');
  expect(head).toBe('%PDF-');

  await openTab(page, 'Trust checks');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report (JSON)' }).click();
  const report = JSON.parse(await readFile((await (await download).path())!, 'utf8')) as {
    verdict: string;
    envelopeId: string;
    checks: unknown[];
  };
  expect(report.envelopeId).toBe('11111111-1111-4111-8111-111111111111');
  expect(report.checks.length).toBeGreaterThan(0);
  expect(['pass', 'warn']).toContain(report.verdict);
});

test('Save decrypted study: the zip holds every DICOM file, byte for byte; then Close envelope', async ({ page }) => {
  await page.goto('/');
  await openWithPicker(page, fx.encryptedZip);
  await page.getByRole('textbox', { name: 'Recipient private key' }).fill(b64(fx.recipientKey));
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expectStudyListed(page);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save decrypted study' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe(`${fx.encryptedId}.zip`);
  const entries = unzipSync(new Uint8Array(await readFile((await saved.path())!)));
  for (const f of fx.dicom) {
    const got = entries[`payload/${f.path}`];
    expect(got, `payload/${f.path} in the saved zip`).toBeDefined();
    expect(Buffer.from(got!).equals(Buffer.from(f.bytes))).toBe(true);
  }
  expect(entries['payload/files/report.pdf']).toBeDefined();

  await page.getByRole('button', { name: 'Close envelope' }).click();
  await expect(page.getByRole('button', { name: 'Open envelope' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveCount(0); // neither the verdict nor the viewer is left
  await expect(page.getByText(fx.encryptedId)).toHaveCount(0);
});

test.describe('shared jmix-js vectors (optional)', () => {
  test.skip(!existsSync(join(SHARED_VECTORS, 'zip/encrypted.root.zip')), `${SHARED_VECTORS} is not present`);

  test('a real jmix-js encrypted envelope: manifest summary before the key, images after', async ({ page }) => {
    const keys = JSON.parse(await readFile(join(SHARED_VECTORS, 'encrypted/keys.json'), 'utf8')) as { recipient_private_key_b64: string };
    await page.goto('/');
    await dropFile(page, 'encrypted.root.zip', await readFile(join(SHARED_VECTORS, 'zip/encrypted.root.zip')));
    await expect(verdict(page)).toContainText('Encrypted');
    // jmix-js keeps the patient in the manifest: readable before decryption, IHI labelled.
    await openTab(page, 'Patient');
    await expect(page.getByText('Australian IHI', { exact: true })).toBeVisible();
    await page.getByRole('textbox', { name: 'Recipient private key' }).fill(keys.recipient_private_key_b64);
    await page.getByRole('button', { name: 'Decrypt' }).click();
    await expect(verdict(page)).toHaveText(NOT_BAD);
    await openTab(page, 'Study');
    await expect(page.locator('table.series tbody tr').first()).toBeVisible();
  });
});
