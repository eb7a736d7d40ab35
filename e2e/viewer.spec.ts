// The diagnostic viewer on real and synthetic DICOM, through viewer-harness.html (production build).
// Pixels are checked from screenshots of the viewport (overlays switched off), decoded here.
import { test, expect } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  decodePng,
  dragWindowLevel,
  exerciseAllSeries,
  expectChangedFrom,
  expectImageShown,
  shot,
  stats,
  viewport,
  openFiles,
} from './support/viewer-checks.ts';

const REAL_DIR = resolve(import.meta.dirname, '../../shared/dicom/real');
const SYNTH_MODULE = resolve(import.meta.dirname, '../fixtures/dicom/synth.ts');

// ---- real files, grouped by series as the corpus README describes ---------------------------------

const REAL_GROUPS: { name: string; files: string[]; multi?: boolean; sameImage?: boolean }[] = [
  {
    name: 'CT implicit LE + JPEG-LS lossy',
    files: ['CTImage.dcm', 'CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm'],
    sameImage: true,
  },
  { name: 'CT JPEG 2000 lossless (no extension)', files: ['CT1_J2KR'] },
  {
    name: 'MR small: explicit LE, big endian, JPEG-LS lossless',
    files: ['MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_jpeg_ls_lossless.dcm'],
    sameImage: true,
  },
  { name: 'MR JPEG 2000 lossy', files: ['MR2_J2KI.dcm'] },
  { name: 'NM JPEG lossless SV1', files: ['JPEG-LL.dcm'] },
  { name: 'SC RGB + JPEG baseline', files: ['SC_rgb.dcm', 'SC_rgb_jpeg_dcmtk.dcm'], sameImage: true },
  { name: 'US RGB + JPEG 2000 YBR_ICT', files: ['US1_UNCR.dcm', 'US1_J2KI.dcm'] },
  { name: 'HTJ2K RGB lossless + lossy', files: ['HTJ2KLossless_08_RGB.dcm', 'HTJ2K_08_RGB.dcm'] },
  { name: 'Enhanced CT, 2 frames', files: ['eCT_Supplemental.dcm'], multi: true },
  { name: 'Enhanced MR RLE, 10 frames', files: ['emri_small_RLE.dcm'], multi: true },
  { name: 'US multi-frame JPEG YBR_FULL_422, 30 frames', files: ['examples_ybr_color.dcm'], multi: true },
  { name: 'Deflated explicit LE', files: ['image_dfl.dcm'] },
];

test.describe('viewer on the real DICOM corpus', () => {
  test.skip(!existsSync(REAL_DIR), `${REAL_DIR} is absent: the real-corpus viewer tests need ../shared/dicom/real.`);

  for (const group of REAL_GROUPS) {
    test(`${group.name}: every series renders, responds to W/L, invert and scroll @cpu`, async ({ page }) => {
      await openFiles(
        page,
        group.files.map((f) => join(REAL_DIR, f)),
      );
      if (group.multi) {
        await expect(viewport(page)).not.toHaveAttribute('data-slice-count', '1');
      }
      await exerciseAllSeries(page, group.name, group.sameImage ? 'same' : 'different');
    });
  }

  test('renderer: WebGL in the webgl project, CPU with --disable-webgl or ?cpu=1 @cpu', async ({ page }, info) => {
    await openFiles(page, [join(REAL_DIR, 'MR_small.dcm')]);
    await expect(viewport(page)).toHaveAttribute('data-renderer', info.project.name === 'cpu' ? 'cpu' : 'gpu');
    await openFiles(page, [join(REAL_DIR, 'MR_small.dcm')], '?cpu=1');
    await expect(viewport(page)).toHaveAttribute('data-renderer', 'cpu');
    await expectImageShown(page, 'MR_small with ?cpu=1');
  });

  test('keyboard: presets, rotate, flip, reset, shortcuts dialog; toolbar state', async ({ page }) => {
    await openFiles(page, [join(REAL_DIR, 'CTImage.dcm')]);
    const vp = viewport(page);
    await vp.focus();
    await page.keyboard.press('2'); // lung -600/1500
    await expect(vp).toHaveAttribute('data-voi', '-600,1500');
    const lung = await shot(page);
    await page.keyboard.press('3'); // bone 300/1500
    await expect(vp).toHaveAttribute('data-voi', '300,1500');
    await expectChangedFrom(page, lung, 'bone preset');
    await page.keyboard.press('4');
    await expect(vp).toHaveAttribute('data-voi', '40,80');
    // The dropdown lists the file's own window too: "From image 1 (C/W)".
    const select = page.getByLabel('Window preset');
    const own = select.locator('option', { hasText: 'From image' }).first();
    const ownLabel = (await own.textContent()) ?? '';
    const m = /\((-?[\d.]+)\/([\d.]+)\)/.exec(ownLabel);
    expect(m, `window values in "${ownLabel}"`).not.toBeNull();
    await select.selectOption({ label: ownLabel });
    await expect(vp).toHaveAttribute('data-voi', `${m![1]},${m![2]}`);

    await vp.focus();
    await page.keyboard.press('r');
    await expect(vp).toHaveAttribute('data-rotation', '90');
    await page.keyboard.press('h');
    await expect(vp).toHaveAttribute('data-flip-horizontal', 'true');
    await page.keyboard.press('v');
    await expect(vp).toHaveAttribute('data-flip-vertical', 'true');
    await page.keyboard.press(' ');
    await expect(vp).toHaveAttribute('data-rotation', '0');
    await expect(vp).toHaveAttribute('data-flip-horizontal', 'false');

    // Mode buttons are exclusive and announce their state.
    await page.getByRole('button', { name: 'Zoom', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Zoom', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('button', { name: 'Window/level' })).toHaveAttribute('aria-pressed', 'false');
    // Left drag now zooms.
    const zoomBefore = Number(await vp.getAttribute('data-zoom'));
    await dragWindowLevel(page);
    await expect.poll(async () => Number(await vp.getAttribute('data-zoom'))).not.toBe(zoomBefore);

    // "?" opens the shortcut list as a dialog; Close shuts it.
    await vp.focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Flip horizontal');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test('overlays show patient, image number and window; Download image saves a PNG', async ({ page }) => {
    await page.goto('viewer-harness.html');
    await page.getByLabel('DICOM files').setInputFiles([join(REAL_DIR, 'CTImage.dcm')]);
    await expect(page.getByTestId('viewer-status')).toHaveText('rendered');
    const overlay = page.getByTestId('overlay');
    await expect(overlay).toContainText('MISTER, CT');
    await expect(overlay).toContainText('Im 1 / 1');
    await expect(overlay).toContainText(/W: \d+ L: -?\d+/);
    await expect(overlay).toContainText(/Zoom: \d+%/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download image' }).click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const png = decodePng(readFileSync(path));
    expect(png.width).toBeGreaterThan(100);
    expect(stats(png).sd).toBeGreaterThan(4);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
  });

  test('measurements: a length is drawn, then deleted with the Delete measurements button', async ({ page }) => {
    await openFiles(page, [join(REAL_DIR, 'CTImage.dcm')]);
    const vp = viewport(page);
    await page.getByRole('button', { name: 'Length' }).click();
    await dragWindowLevel(page); // a left drag in Length mode draws a line
    await expect(vp).toHaveAttribute('data-annotation-count', '1');
    await expect(vp.locator('svg text').first()).toContainText(/mm/);
    await page.getByRole('button', { name: 'Rectangle ROI' }).click();
    const box = (await vp.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.45, { steps: 6 });
    await page.mouse.up();
    await expect(vp).toHaveAttribute('data-annotation-count', '2');
    await expect(vp.locator('svg')).toContainText(/Mean/i);
    await page.getByRole('button', { name: 'Delete measurements' }).click();
    await expect(vp).toHaveAttribute('data-annotation-count', '0');
  });

  test('tag inspector lists the elements and filters them', async ({ page }) => {
    await openFiles(page, [join(REAL_DIR, 'image_dfl.dcm')]);
    await page.getByRole('button', { name: 'Tag inspector' }).click();
    const panel = page.getByTestId('tag-inspector');
    await expect(panel.locator('tbody tr').first()).toBeVisible();
    const all = await panel.locator('tbody tr').count();
    expect(all).toBeGreaterThan(10);
    await panel.getByLabel('Search tags').fill('Rows');
    await expect(panel.locator('tbody tr')).toHaveCount(1);
    await expect(panel.locator('tbody tr')).toContainText('(0028,0010)');
    await expect(panel.locator('tbody tr')).toContainText('512');
    await panel.getByLabel('Search tags').fill('0002,0010');
    await expect(panel.locator('tbody tr')).toContainText('1.2.840.10008.1.2.1.99');
  });

  test('a file whose pixel data is cut short shows a reason, not a crash @cpu', async ({ page }) => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(join(REAL_DIR, 'MR_small.dcm'));
    const dir = mkdtempSync(join(tmpdir(), 'jv-trunc-'));
    const truncated = join(dir, 'MR_truncated.dcm');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 4000));
    await page.goto('viewer-harness.html');
    await page.getByLabel('DICOM files').setInputFiles([truncated]);
    const status = page.getByTestId('viewer-status');
    await expect(status).toContainText('could not be decoded: pixel data shorter than the header declares');
    await expect(page.getByRole('note', { name: 'Image unavailable' })).toBeVisible();
    // The page is still alive: the toolbar works.
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
  });
});

// ---- synthetic study (CT, MR, US multi-frame) -------------------------------------------------------

test.describe('viewer on the synthetic study', () => {
  test.skip(!existsSync(SYNTH_MODULE), `${SYNTH_MODULE} is absent: no synthetic DICOM generator.`);

  test('synthetic CT/MR/US: series switch with keys, scroll changes pixels, cine advances @cpu', async ({ page }) => {
    const { syntheticStudy } = (await import(SYNTH_MODULE)) as typeof import('../fixtures/dicom/synth.ts');
    const study = syntheticStudy({ ctSlices: 8, ctSize: 256, mrSlices: 5, mrSize: 128, usFrames: 6 });
    const dir = mkdtempSync(join(tmpdir(), 'jv-synth-'));
    mkdirSync(dir, { recursive: true });
    const paths = study.files.map((f) => {
      const p = join(dir, f.path.replace(/\//g, '_'));
      writeFileSync(p, f.bytes);
      return p;
    });
    await openFiles(page, paths);
    const buttons = page.getByTestId('series-button');
    await expect(buttons).toHaveCount(study.study.series.length);
    const vp = viewport(page);
    await expect(vp).toHaveAttribute('aria-label', /CT/);
    await expect(vp).toHaveAttribute('data-slice-count', '8');

    // Scrolling the synthetic CT changes the pixels (each slice is drawn differently).
    const first = await expectImageShown(page, 'synthetic CT');
    // The neighbours are decoded while a slice is looked at: 4 ahead, 2 behind, within the stack.
    await expect(vp).toHaveAttribute('data-prefetched', '4');
    await vp.focus();
    await page.keyboard.press('ArrowDown');
    await expect(vp).toHaveAttribute('data-slice-index', '1');
    await expectChangedFrom(page, first, 'ArrowDown on the synthetic CT');
    await expect(vp).toHaveAttribute('data-prefetched', '5');
    await page.keyboard.press('End');
    await expect(vp).toHaveAttribute('data-slice-index', '7');
    await expect(vp).toHaveAttribute('data-prefetched', '2');

    // "]" moves to the next series, "[" back.
    await page.keyboard.press(']');
    await expect(buttons.nth(1)).toHaveAttribute('aria-current', 'true');
    await expect(vp).toHaveAttribute('aria-label', /MR/);
    await expect(page.getByTestId('viewer-status')).toHaveText('rendered');
    await page.keyboard.press('[');
    await expect(buttons.nth(0)).toHaveAttribute('aria-current', 'true');

    // Up/Down in the series list switch series too.
    await buttons.nth(0).focus();
    await page.keyboard.press('ArrowDown');
    await expect(buttons.nth(1)).toHaveAttribute('aria-current', 'true');

    // Cine on the US multi-frame loops through frames.
    await buttons.nth(2).click();
    await expect(vp).toHaveAttribute('data-slice-count', '6');
    await expectImageShown(page, 'synthetic US');
    await page.getByLabel('Frames per second').fill('20');
    await page.getByRole('button', { name: 'Play cine' }).click();
    await expect(vp).not.toHaveAttribute('data-slice-index', '0');
    await page.getByRole('button', { name: 'Pause cine' }).click();
    await expect(page.getByRole('button', { name: 'Play cine' })).toBeVisible();

    await exerciseAllSeries(page, 'synthetic study');
  });
});
