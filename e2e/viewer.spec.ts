// The diagnostic viewer on real and synthetic DICOM, through viewer-harness.html (production build).
// Pixels are checked from screenshots of the viewport (overlays switched off), decoded here.
import { test, expect, type Page } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';

const REAL_DIR = resolve(import.meta.dirname, '../../shared/dicom/real');
const SYNTH_MODULE = resolve(import.meta.dirname, '../scripts/lib/dicom-synth.ts');

// ---- tiny PNG decoder (8-bit RGB/RGBA, non-interlaced: what Chromium screenshots are) ----------

interface Pixels {
  width: number;
  height: number;
  /** Luminance 0-255 per pixel. */
  luma: Float32Array;
}

function decodePng(buf: Buffer): Pixels {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('Not a PNG: bad signature.');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let bitDepth = 0;
  let interlace = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8]!;
      colorType = data[9]!;
      interlace = data[12]!;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
    throw new Error(`Unsupported PNG: depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}.`);
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = new Uint8Array(width * height * bpp);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[row - stride + x - bpp]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[row + x] = v & 0xff;
    }
  }
  const luma = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    luma[i] = 0.299 * out[i * bpp]! + 0.587 * out[i * bpp + 1]! + 0.114 * out[i * bpp + 2]!;
  }
  return { width, height, luma };
}

function stats(p: Pixels): { mean: number; sd: number; nonBlack: number } {
  let sum = 0;
  let sq = 0;
  let nonBlack = 0;
  for (const v of p.luma) {
    sum += v;
    sq += v * v;
    if (v > 8) nonBlack++;
  }
  const n = p.luma.length;
  const mean = sum / n;
  return { mean, sd: Math.sqrt(Math.max(0, sq / n - mean * mean)), nonBlack: nonBlack / n };
}

/** Mean absolute luminance difference between two same-size screenshots. */
function difference(a: Pixels, b: Pixels): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  let d = 0;
  for (let i = 0; i < a.luma.length; i++) d += Math.abs(a.luma[i]! - b.luma[i]!);
  return d / a.luma.length;
}

// ---- page helpers -------------------------------------------------------------------------------

const viewport = (page: Page) => page.getByTestId('viewport');

async function shot(page: Page): Promise<Pixels> {
  return decodePng(await viewport(page).screenshot({ animations: 'disabled' }));
}

async function openFiles(page: Page, paths: string[], query = ''): Promise<void> {
  await page.goto(`viewer-harness.html${query}`);
  await page.getByLabel('DICOM files').setInputFiles(paths);
  await expect(page.getByTestId('series-button').first()).toBeVisible();
  await expect(page.getByTestId('viewer-status')).toHaveText('rendered');
  // Overlays are text over the image: switch them off so pixels are the image alone.
  const toggle = page.getByRole('button', { name: 'Toggle overlays' });
  if ((await toggle.getAttribute('aria-pressed')) === 'true') await toggle.click();
  await expect(page.getByTestId('overlay')).toHaveCount(0);
}

/** Wait until the viewport looks different from `before` (renders are asynchronous). */
async function expectChangedFrom(page: Page, before: Pixels, what: string, minDiff = 1): Promise<Pixels> {
  let after = before;
  await expect
    .poll(
      async () => {
        after = await shot(page);
        return difference(before, after);
      },
      { message: `the image should change after ${what}`, timeout: 10_000 },
    )
    .toBeGreaterThan(minDiff);
  return after;
}

async function expectImageShown(page: Page, label: string): Promise<Pixels> {
  await expect(page.getByTestId('viewer-status'), `${label}: status`).toHaveText('rendered');
  let px = await shot(page);
  await expect
    .poll(
      async () => {
        px = await shot(page);
        const s = stats(px);
        return s.sd > 4 && s.nonBlack > 0.02;
      },
      { message: `${label}: the viewport should show a real image, not a blank canvas`, timeout: 10_000 },
    )
    .toBe(true);
  return px;
}

/** Left-drag on the viewport in window/level mode. */
async function dragWindowLevel(page: Page): Promise<void> {
  const box = await viewport(page).boundingBox();
  if (!box) throw new Error('The viewport has no bounding box.');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 60, y + 80, { steps: 8 });
  await page.mouse.up();
}

/** Check every series currently listed: image, W/L drag, invert, scroll. */
/**
 * Check every series currently listed: image, W/L drag, invert, scroll. `sameImage`: the series
 * holds one image in several encodings, so scrolling must show the same picture (proving each
 * transfer syntax decodes to the same pixels) instead of a different one.
 */
async function exerciseAllSeries(page: Page, group: string, sameImage = false): Promise<void> {
  const buttons = page.getByTestId('series-button');
  const n = await buttons.count();
  expect(n, `${group}: at least one series`).toBeGreaterThan(0);
  const vp = viewport(page);
  for (let i = 0; i < n; i++) {
    const label = `${group}, series ${i + 1}/${n} (${(await buttons.nth(i).getAttribute('aria-label')) ?? ''})`;
    await buttons.nth(i).click();
    await expect(buttons.nth(i)).toHaveAttribute('aria-current', 'true');
    await expect(vp).toHaveAttribute('data-slice-index', '0');
    const first = await expectImageShown(page, label);

    // Window/level drag changes the VOI and the pixels.
    const voiBefore = await vp.getAttribute('data-voi');
    await dragWindowLevel(page);
    await expect(vp, `${label}: VOI after drag`).not.toHaveAttribute('data-voi', voiBefore ?? '');
    const afterWl = await expectChangedFrom(page, first, `${label}: window/level drag`, 0.3);

    // Invert (I key).
    await vp.focus();
    await page.keyboard.press('i');
    await expect(vp, `${label}: invert`).toHaveAttribute('data-invert', 'true');
    await expectChangedFrom(page, afterWl, `${label}: invert`, 5);
    await page.keyboard.press('Escape'); // reset
    await expect(vp).toHaveAttribute('data-invert', 'false');

    // Scroll through a multi-slice series with the mouse wheel.
    const count = Number(await vp.getAttribute('data-slice-count'));
    if (count > 1) {
      const before = await shot(page);
      const box = await vp.boundingBox();
      await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
      await page.mouse.wheel(0, 120);
      await expect(vp, `${label}: wheel scroll`).not.toHaveAttribute('data-slice-index', '0');
      await expectImageShown(page, `${label} after scroll`);
      if (sameImage) {
        expect(difference(before, await shot(page)), `${label}: same image in another encoding`).toBeLessThan(2);
      } else {
        await expectChangedFrom(page, before, `${label}: wheel scroll`, 0.2);
      }
    }
  }
}

// ---- real files, grouped by series as the corpus README describes ---------------------------------

const REAL_GROUPS: { name: string; files: string[]; multi?: boolean; sameImage?: boolean }[] = [
  { name: 'CT implicit LE + JPEG-LS lossy', files: ['CTImage.dcm', 'CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm'], sameImage: true },
  { name: 'CT JPEG 2000 lossless (no extension)', files: ['CT1_J2KR'] },
  { name: 'MR small: explicit LE, big endian, JPEG-LS lossless', files: ['MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_jpeg_ls_lossless.dcm'], sameImage: true },
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
      await openFiles(page, group.files.map((f) => join(REAL_DIR, f)));
      if (group.multi) {
        await expect(viewport(page)).not.toHaveAttribute('data-slice-count', '1');
      }
      await exerciseAllSeries(page, group.name, group.sameImage);
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
    const { syntheticStudy } = (await import(SYNTH_MODULE)) as typeof import('../scripts/lib/dicom-synth.ts');
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
    await vp.focus();
    await page.keyboard.press('ArrowDown');
    await expect(vp).toHaveAttribute('data-slice-index', '1');
    await expectChangedFrom(page, first, 'ArrowDown on the synthetic CT');
    await page.keyboard.press('End');
    await expect(vp).toHaveAttribute('data-slice-index', '7');

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
