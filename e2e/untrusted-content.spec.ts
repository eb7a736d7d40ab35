// Content of an envelope that tries to act rather than be read (issue 16): a report PDF with
// JavaScript that would run on opening, and bidi controls (U+202E) in a file name and a sender
// name that would make "invoice\u202Efdp.exe" read "invoiceexe.pdf".
import { readFile } from 'node:fs/promises';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip, type PackedEnvelope } from '../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../fixtures/pdf/synth.ts';
import { guardNetworkAndErrors } from './support/app.ts';

guardNetworkAndErrors(test);

const RLO = '\u202E';
const FILE_WITH_RLO = `files/invoice${RLO}fdp.exe`;
const SENDER_WITH_RLO = `Harbour ${RLO}gnp.exe Imaging`;
const PDF_SCRIPT = 'app.alert("the report PDF ran its script"); this.print();';

let scriptedPdf: Uint8Array;
let withScript: Uint8Array;
let withBidi: Uint8Array;

/** The same envelope with the manifest's sender renamed (unsigned, so nothing else must change). */
function renameSender(env: PackedEnvelope, name: string): PackedEnvelope {
  const files = env.files.map((f) => {
    if (f.path !== 'manifest.json') return f;
    const manifest = JSON.parse(new TextDecoder().decode(f.bytes)) as { sender: { name: string } };
    manifest.sender.name = name;
    return { path: f.path, bytes: new TextEncoder().encode(JSON.stringify(manifest, null, 2)) };
  });
  return { ...env, files };
}

test.beforeAll(async () => {
  const study = syntheticStudy({ ctSlices: 2, ctSize: 32, mrSlices: 1, mrSize: 32, usFrames: 1 });
  scriptedPdf = syntheticPdfReport(['Report with a script', 'Opening this PDF elsewhere would run its JavaScript.'], {
    openActionJs: PDF_SCRIPT,
  });
  const report = { path: 'files/report.pdf', bytes: scriptedPdf };
  withScript = toZip(
    await packEnvelope({ dialect: 'spec', payloadFiles: [...study.files, report], id: '44444444-4444-4444-8444-444444444444' }),
    'root',
  );
  const bidi = await packEnvelope({
    dialect: 'spec',
    payloadFiles: [...study.files, report, { path: FILE_WITH_RLO, bytes: new TextEncoder().encode('not an invoice') }],
    id: '55555555-5555-4555-8555-555555555555',
  });
  withBidi = toZip(renameSender(bidi, SENDER_WITH_RLO), 'root');
});

async function openZip(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.goto('/');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open envelope' }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(bytes) });
  await expect(page.getByRole('status', { name: 'Can it be trusted?' })).toBeVisible();
}

test('a report PDF with an OpenAction script: drawn by pdf.js, offered only as a download, and its script never runs', async ({
  page,
  context,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const popups: string[] = [];
  context.on('page', (p) => popups.push(p.url()));

  await openZip(page, 'scripted-report.zip', withScript);
  await page.getByRole('tab', { name: 'Files and report' }).click();
  const region = page.getByRole('region', { name: 'Report: report.pdf' });
  await expect(region.locator('canvas.pdf-report__canvas')).toHaveAttribute('data-rendered', 'true');
  await expect(region.getByText('Text of page 1')).toBeVisible();

  // No way to the browser's own PDF viewer (which runs PDF JavaScript): no link, no standing blob: URL, no frame.
  await expect(page.getByRole('link', { name: /original/i })).toHaveCount(0);
  await expect(page.locator('a[href^="blob:"], a[target="_blank"], iframe, embed, object')).toHaveCount(0);

  // Download is a download: the exact bytes, under the report's name, and no tab opens.
  const download = page.waitForEvent('download');
  await region.getByRole('button', { name: 'Download report' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('report.pdf');
  expect(Buffer.from(await readFile((await saved.path())!)).equals(Buffer.from(scriptedPdf))).toBe(true);

  // Time for a script to show itself, had anything run it.
  await page.waitForTimeout(1_000);
  expect(dialogs, 'dialogs opened by the PDF').toEqual([]);
  expect(popups, 'tabs opened').toEqual([]);
  expect(page.url()).not.toMatch(/^blob:/);
});

/**
 * How the bidi controls in an element are rendered: each alone in a <bdi class="bidi-control">
 * showing its code, and whether the letters after the first control are laid out left to right
 * in the order they are written (an active U+202E would lay them out right to left).
 */
function bidiRendering(el: Locator) {
  return el.evaluate((root, control) => {
    const texts: Text[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
    const holders = texts.filter((t) => t.data.includes(control));
    const isolated = holders.every((t) => t.data === control && t.parentElement?.matches('bdi.bidi-control') === true);
    const codes = holders.map((t) => getComputedStyle(t.parentElement!, '::before').content);
    // The text after the control: compare where its first and last letters are drawn.
    const at = texts.findIndex((t) => t.data.includes(control));
    const after = texts[at]!.data.endsWith(control) ? texts[at + 1]! : texts[at]!;
    const start = after === texts[at] ? after.data.indexOf(control) + 1 : 0;
    const x = (i: number) => {
      const r = document.createRange();
      r.setStart(after, i);
      r.setEnd(after, i + 1);
      return r.getBoundingClientRect().left;
    };
    return {
      controls: holders.length,
      isolated,
      codes,
      readsInOrder: x(start) < x(start + 5),
      textAfter: after.data.slice(start, start + 6),
    };
  }, RLO);
}

test('a file name and a sender name with U+202E: the control is isolated and shown as \\u202E, the text reads as written', async ({
  page,
}) => {
  await openZip(page, 'bidi-names.zip', withBidi);
  await page.getByRole('tab', { name: 'Files and report' }).click();
  const path = page.locator('.file-list__path').filter({ hasText: 'invoice' });
  await expect(path).toBeVisible();
  expect(await bidiRendering(path)).toEqual({
    controls: 1,
    isolated: true,
    codes: ['"\\\\u202E"'],
    readsInOrder: true,
    textAfter: 'fdp.ex',
  });
  // Attributes cannot isolate: there the control is written as its code.
  const button = page.getByRole('button', { name: /^Download files\/invoice/ });
  expect(await button.getAttribute('aria-label')).toBe('Download files/invoice\\u202Efdp.exe');
  // And the saved file's name holds no control at all.
  const download = page.waitForEvent('download');
  await button.click();
  expect((await download).suggestedFilename()).toBe('invoicefdp.exe');

  await page.getByRole('tab', { name: 'Sender and recipients' }).click();
  const sender = page
    .locator('.entity')
    .filter({ has: page.getByRole('heading', { name: 'Sender' }) })
    .locator('dd')
    .first();
  await expect(sender).toContainText('Harbour');
  expect(await bidiRendering(sender)).toEqual({
    controls: 1,
    isolated: true,
    codes: ['"\\\\u202E"'],
    readsInOrder: true,
    textAfter: 'gnp.ex',
  });
});
