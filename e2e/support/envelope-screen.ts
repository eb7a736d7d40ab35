// The envelopes the envelope-screen specs open (with images, report only, encrypted), the hooks that
// pack them and guard every test, and the steps the specs share. Envelopes come from the project's
// own packer.
import { x25519 } from '@noble/curves/ed25519.js';
import { expect, type Page, type TestType } from '@playwright/test';
import { syntheticStudy } from '../../fixtures/dicom/synth.ts';
import { packEnvelope, toZip, type PackOptions } from '../../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../../fixtures/pdf/synth.ts';

export const IHI = '8003608166690503';
export const SHOTS = process.env.ENVELOPE_SCREENSHOTS; // a folder: save the screens for a person to look at

export let withImages: Uint8Array;
export let reportOnly: Uint8Array;
export let encrypted: Uint8Array;
export let recipientKey: Uint8Array;
export let requests: string[] = [];
let pageErrors: string[] = [];

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

/**
 * Registers the file's hooks: pack the envelopes once; for every test, record requests and errors,
 * then check nothing left 127.0.0.1, pdf.js fetched no CMap, font or wasm, and no error happened
 * but those `tolerated` matches (console errors a test expects, and says why).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function useEnvelopeScreen(test: TestType<any, any>, opts: { tolerated?: () => RegExp | null } = {}): void {
  test.beforeAll(async () => {
    const study = syntheticStudy({ ctSlices: 6, ctSize: 128, mrSlices: 2, mrSize: 64, usFrames: 2 });
    const patient = { name: 'CITIZEN^JANE', id: 'MRN-42', birthDate: study.study.patient.birthDate, sex: 'F', ihi: IHI };
    const base: Omit<PackOptions, 'payloadFiles'> = { dialect: 'spec', patient, signWith: crypto.getRandomValues(new Uint8Array(32)) };
    const pdf = syntheticPdfReport(['Radiology report', 'CT chest: no acute abnormality.', 'Reported by Dr Example.']);
    withImages = toZip(
      await packEnvelope({
        ...base,
        id: '44444444-4444-4444-8444-444444444444',
        payloadFiles: [...study.files, { path: 'files/report.pdf', bytes: pdf }],
      }),
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

  test.beforeEach(async ({ page }: { page: Page }) => {
    requests = [];
    pageErrors = [];
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
    expect(
      pageErrors.filter((e) => !opts.tolerated?.()?.test(e)),
      'page errors',
    ).toEqual([]);
  });
}

export const verdict = (page: Page) => page.getByRole('status', { name: 'Can it be trusted?' });
export const tab = (page: Page, name: string) => page.getByRole('tab', { name });

/** Pixel statistics of the drawn canvas: a page of text is mostly white with some dark ink. */
export async function canvasInk(page: Page, selector: string): Promise<{ width: number; height: number; dark: number; light: number }> {
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
export async function tabToTablist(page: Page): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const role = await page.evaluate(() => document.activeElement?.getAttribute('role'));
    if (role === 'tab') return;
  }
  throw new Error('Tab never reached the details tabs');
}
