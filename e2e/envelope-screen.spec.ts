// The envelope screen as a layout: verdict on top, a large viewer, every details tab reachable by
// keyboard, the PDF report drawn by pdf.js (not blank), nothing wider than a phone, and no request
// leaving 127.0.0.1. Envelopes come from the project's own packer.
import { x25519 } from '@noble/curves/ed25519.js';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip, type PackOptions } from '../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../fixtures/pdf/synth.ts';
import { dropFile } from './support/app.ts';

const IHI = '8003608166690503';
const SHOTS = process.env.ENVELOPE_SCREENSHOTS; // a folder: save the screens for a person to look at

let withImages: Uint8Array;
let reportOnly: Uint8Array;
let encrypted: Uint8Array;
let recipientKey: Uint8Array;

/** A two-page PDF (the synthetic one has a single page), to drive the page navigation. */
function twoPagePdf(first: string, second: string): Uint8Array {
  const stream = (text: string) => {
    const c = `BT /F1 28 Tf 72 700 Td (${text}) Tj ET`;
    return `<< /Length ${c.length} >>\nstream\n${c}\nendstream`;
  };
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 7 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    stream(first),
    stream(second),
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}

test.beforeAll(async () => {
  const study = syntheticStudy({ ctSlices: 6, ctSize: 128, mrSlices: 2, mrSize: 64, usFrames: 2 });
  const patient = { name: 'CITIZEN^JANE', id: 'MRN-42', birthDate: study.study.patient.birthDate, sex: 'F', ihi: IHI };
  const base: Omit<PackOptions, 'payloadFiles'> = { dialect: 'spec', patient, signWith: crypto.getRandomValues(new Uint8Array(32)) };
  const pdf = syntheticPdfReport(['Radiology report', 'CT chest: no acute abnormality.', 'Reported by Dr Example.']);
  withImages = toZip(
    await packEnvelope({ ...base, id: '44444444-4444-4444-8444-444444444444', payloadFiles: [...study.files, { path: 'files/report.pdf', bytes: pdf }] }),
    'root',
  );
  const recipient = x25519.keygen();
  recipientKey = recipient.secretKey;
  encrypted = toZip(
    await packEnvelope({
      ...base,
      id: '66666666-6666-4666-8666-666666666666',
      encryptTo: recipient.publicKey,
      payloadFiles: [...study.files, { path: 'files/report.pdf', bytes: pdf }],
    }),
    'wrapped',
  );
  reportOnly = toZip(
    await packEnvelope({
      ...base,
      id: '55555555-5555-4555-8555-555555555555',
      payloadFiles: [{ path: 'files/report.pdf', bytes: twoPagePdf('Page one of the report', 'Page two of the report') }],
    }),
    'root',
  );
});

let requests: string[] = [];
let pageErrors: string[] = [];
/** Console errors a test expects (and says why). */
let tolerated: RegExp | null = null;

test.beforeEach(async ({ page }) => {
  requests = [];
  pageErrors = [];
  tolerated = null;
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
});

test.afterEach(async () => {
  const offMachine = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).hostname !== '127.0.0.1');
  expect(offMachine, 'requests that left 127.0.0.1').toEqual([]);
  // pdf.js is given no CMap, font or wasm URL: it must not have tried one on this machine either.
  expect(requests.filter((u) => /cmaps|standard_fonts|\.bcmap|\.pfb|\.wasm$/.test(u))).toEqual([]);
  expect(pageErrors.filter((e) => !tolerated?.test(e)), 'page errors').toEqual([]);
});

const verdict = (page: Page) => page.getByRole('status', { name: 'Can it be trusted?' });
const tab = (page: Page, name: string) => page.getByRole('tab', { name });


/** Pixel statistics of the drawn canvas: a page of text is mostly white with some dark ink. */
async function canvasInk(page: Page, selector: string): Promise<{ width: number; height: number; dark: number; light: number }> {
  return page.locator(selector).evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the report canvas has no 2D context');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let dark = 0;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
      const lum = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      if (data[i + 3]! < 200) continue;
      if (lum < 96) dark++;
      else if (lum > 235) light++;
    }
    const n = canvas.width * canvas.height;
    return { width: canvas.width, height: canvas.height, dark: dark / n, light: light / n };
  });
}

/** Tab from the page's focus until a tab of the details has focus (the viewer's controls come first). */
async function tabToTablist(page: Page): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const role = await page.evaluate(() => document.activeElement?.getAttribute('role'));
    if (role === 'tab') return;
  }
  throw new Error('Tab never reached the details tabs');
}

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

test('a failed check never looks like a pass: words, colour and icon in the verdict and the tab', async ({ page }) => {
  const study = syntheticStudy({ ctSlices: 2, ctSize: 32, mrSlices: 1, mrSize: 32, usFrames: 1 });
  const tampered = toZip(
    await packEnvelope({ dialect: 'spec', payloadFiles: study.files, signWith: crypto.getRandomValues(new Uint8Array(32)), tamper: 'payload-byte' }),
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
  for (const name of ['Patient', 'Study', 'Sender and recipients', 'About this envelope', 'Audit trail', 'Files and report', 'Trust checks']) {
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
