// Accessibility (issue #6): axe finds no serious or critical fault on the start screen, the key
// prompt, every details tab and the viewer (included, not excluded); every action is reachable by
// keyboard, and the focused control shows where focus is.
import AxeBuilder from '@axe-core/playwright';
import { x25519 } from '@noble/curves/ed25519.js';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { syntheticPdfReport } from '../fixtures/pdf/synth.ts';
import { guardNetworkAndErrors, verdict } from './support/app.ts';

let encryptedZip: Uint8Array;
let recipientKey: Uint8Array;

test.beforeAll(async () => {
  const study = syntheticStudy({ ctSlices: 3, ctSize: 64, mrSlices: 2, mrSize: 32, usFrames: 1 });
  const patient = { name: 'CITIZEN^JANE', id: 'MRN-42', birthDate: study.study.patient.birthDate, sex: 'F', ihi: '8003608166690503' };
  const recipient = x25519.keygen();
  recipientKey = recipient.secretKey;
  encryptedZip = toZip(
    await packEnvelope({
      dialect: 'spec',
      patient,
      payloadFiles: [...study.files, { path: 'files/report.pdf', bytes: syntheticPdfReport(['Radiology report', 'No acute findings.']) }],
      signWith: crypto.getRandomValues(new Uint8Array(32)),
      encryptTo: recipient.publicKey,
    }),
    'root',
  );
});

guardNetworkAndErrors(test);

/** axe over the whole page: serious and critical violations, with where they are. */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(', ')}`,
    );
}

/** A focused control must show it: an outline or a box-shadow ring. */
async function expectVisibleFocus(target: Locator, what: string): Promise<void> {
  await expect(target, what).toBeFocused();
  const ring = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
  });
  expect(ring.outline || ring.shadow, `${what} shows a focus ring`).toBe(true);
}

/** Press Tab until `target` has focus (at most `max` presses). */
async function tabTo(page: Page, target: Locator, what: string, max = 60): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) break;
    await page.keyboard.press('Tab');
    path.push(
      await page.evaluate(() => {
        const a = document.activeElement;
        return a
          ? `${a.tagName.toLowerCase()}${a.getAttribute('role') ? `[${a.getAttribute('role')}]` : ''} "${(a.getAttribute('aria-label') ?? a.textContent ?? '').slice(0, 30)}"`
          : 'none';
      }),
    );
  }
  if (!(await target.evaluate((el) => el === document.activeElement).catch(() => false)))
    console.log(`Tab path towards ${what}:\n${path.join('\n')}`);
  await expectVisibleFocus(target, what);
}

test('start screen, key prompt, every tab and the viewer: no serious axe fault, all by keyboard', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  const open = page.getByRole('button', { name: 'Open envelope' });
  await expect(open).toBeVisible();
  await expect(page.locator('a.demo').first()).toBeVisible();
  const found: string[] = [];
  found.push(...(await seriousViolations(page, 'start screen')));

  // Keyboard: the first Tab reaches "Open envelope", then "Open folder", then the demo links.
  await page.keyboard.press('Tab');
  await expectVisibleFocus(open, 'Open envelope');
  await page.keyboard.press('Tab');
  await expectVisibleFocus(page.getByRole('button', { name: 'Open folder' }), 'Open folder');
  const demos = page.locator('a.demo');
  for (let i = 0; i < (await demos.count()); i++) {
    await page.keyboard.press('Tab');
    await expectVisibleFocus(demos.nth(i), `demo link ${i + 1}`);
  }
  // Enter on "Open envelope" opens the file picker.
  const chooser = page.waitForEvent('filechooser', { timeout: 15_000 });
  await open.press('Enter');
  await (await chooser).setFiles({ name: 'encrypted.zip', mimeType: 'application/zip', buffer: Buffer.from(encryptedZip) });

  // The key prompt.
  await expect(verdict(page)).toContainText('Encrypted');
  const field = page.getByRole('textbox', { name: 'Recipient private key' });
  await expect(field).toBeVisible();
  found.push(...(await seriousViolations(page, 'key prompt')));
  await tabTo(page, field, 'the key field');
  await page.keyboard.type(Buffer.from(recipientKey).toString('base64'));
  await page.keyboard.press('Tab');
  await expectVisibleFocus(page.getByRole('button', { name: 'Decrypt' }), 'Decrypt');
  await page.keyboard.press('Enter');
  // Signed by the key carried in the envelope: intact, not yet genuine. "Trust this sender" by keyboard.
  await expect(verdict(page)).toHaveText(/Intact, signed by key SHA256:[0-9a-f]{16}… that you have not marked as trusted/);
  const trustSender = page.getByRole('button', { name: 'Trust this sender' });
  await tabTo(page, trustSender, 'Trust this sender');
  await page.keyboard.press('Enter');
  // The fingerprint is shown to compare before anything is remembered; the confirmation is next in tab order.
  await expect(page.locator('.trust-sender__fp')).toHaveText(/^SHA256:[0-9a-f]{64}$/);
  found.push(...(await seriousViolations(page, 'trust this sender')));
  await page.keyboard.press('Tab');
  await expectVisibleFocus(page.getByRole('button', { name: /^Remember this key for / }), 'Remember this key');
  await page.keyboard.press('Enter');
  await expect(verdict(page)).toHaveText(/Genuine and complete/);
  await expect(page.getByTestId('viewer-status')).toHaveAttribute('data-status', 'rendered');

  // Every details tab, reached and walked by keyboard; axe on each.
  const firstTab = page.getByRole('tab', { name: /^Trust checks/ });
  await tabTo(page, firstTab, 'the Trust checks tab', 120);
  const names = await page.getByRole('tab').allTextContents();
  for (let i = 0; i < names.length; i++) {
    const tab = page.getByRole('tab').nth(i);
    await expect(tab).toBeFocused();
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    if (names[i]!.startsWith('Files')) await expect(page.locator('canvas.pdf-report__canvas')).toHaveAttribute('data-rendered', 'true');
    found.push(...(await seriousViolations(page, `tab ${names[i]}`)));
    await page.keyboard.press('ArrowRight');
  }

  // The viewer: every toolbar button is a Tab stop with a visible ring, and the viewport takes keys.
  const toolbar = page.getByRole('toolbar', { name: 'Viewer tools' });
  const buttons = toolbar.getByRole('button');
  const first = buttons.first();
  await page.getByRole('heading', { level: 1 }).focus();
  await tabTo(page, first, 'the first viewer tool');
  const count = await buttons.count();
  expect(count).toBeGreaterThan(5);
  for (let i = 0; i < count; i++) {
    const b = buttons.nth(i);
    if (!(await b.isEnabled()) || !(await b.isVisible())) continue;
    await tabTo(page, b, `viewer tool "${(await b.getAttribute('aria-label')) ?? (await b.textContent())}"`, 6);
  }
  const viewport = page.getByTestId('viewport');
  await tabTo(page, viewport, 'the image viewport', 40);
  // A shortcut from the keyboard: "i" inverts, and the toolbar's Invert shows it.
  const invert = toolbar.getByRole('button', { name: 'Invert' });
  const pressedBefore = await invert.getAttribute('aria-pressed');
  await page.keyboard.press('i');
  await expect(invert).not.toHaveAttribute('aria-pressed', pressedBefore ?? 'false');
  found.push(...(await seriousViolations(page, 'viewer')));

  if (found.length) console.log(`axe, serious or critical:\n${found.join('\n')}`);
  expect(found).toEqual([]);
});
