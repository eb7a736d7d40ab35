// Pixel checks for the viewer, shared by the specs: screenshots of the viewport decoded here (a tiny
// PNG decoder on node:zlib), statistics, and the per-series routine (image, W/L, invert, scroll).
import { expect, type Page } from '@playwright/test';
import { inflateSync } from 'node:zlib';

// ---- tiny PNG decoder (8-bit RGB/RGBA, non-interlaced: what Chromium screenshots are) ----------

export interface Pixels {
  width: number;
  height: number;
  /** Luminance 0-255 per pixel. */
  luma: Float32Array;
  /** Interleaved RGB per pixel. */
  rgb: Uint8Array;
}

export function decodePng(buf: Buffer): Pixels {
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
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    luma[i] = 0.299 * out[i * bpp]! + 0.587 * out[i * bpp + 1]! + 0.114 * out[i * bpp + 2]!;
    rgb.set(out.subarray(i * bpp, i * bpp + 3), i * 3);
  }
  return { width, height, luma, rgb };
}

export function stats(p: Pixels): { mean: number; sd: number; nonBlack: number } {
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
export function difference(a: Pixels, b: Pixels): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  let d = 0;
  for (let i = 0; i < a.luma.length; i++) d += Math.abs(a.luma[i]! - b.luma[i]!);
  return d / a.luma.length;
}

// ---- page helpers -------------------------------------------------------------------------------

export const viewport = (page: Page) => page.getByTestId('viewport');

export async function shot(page: Page): Promise<Pixels> {
  return decodePng(await viewport(page).screenshot({ animations: 'disabled' }));
}

export async function openFiles(page: Page, paths: string[], query = ''): Promise<void> {
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
export async function expectChangedFrom(page: Page, before: Pixels, what: string, minDiff = 1): Promise<Pixels> {
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

export async function expectImageShown(page: Page, label: string): Promise<Pixels> {
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
export async function dragWindowLevel(page: Page): Promise<void> {
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
 * Check every series currently listed: image, W/L drag, invert, scroll. After a scroll the next
 * image must be 'different' (another slice), the 'same' (one image in several encodings: proves
 * each transfer syntax decodes to the same pixels) or just 'shown' (mixed series).
 */
export type AfterScroll = 'different' | 'same' | 'shown';
export async function exerciseAllSeries(page: Page, group: string, afterScroll: AfterScroll = 'different'): Promise<void> {
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
      if (afterScroll === 'same') {
        expect(difference(before, await shot(page)), `${label}: same image in another encoding`).toBeLessThan(2);
      } else if (afterScroll === 'different') {
        await expectChangedFrom(page, before, `${label}: wheel scroll`, 0.2);
      }
    }
  }
}
