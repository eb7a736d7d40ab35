// Issue 12: every pixel class decodes to the right values and is drawn in the right colours, on the
// WebGL and the CPU path. Files come from fixtures/dicom/pixel-classes, whose truth is computed
// there from flat-block images; Cornerstone's decoded pixels (read through the harness' probe) and
// the screenshot at each block centre are compared with that truth, value by value.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pixelCases, type ExpectedSlice, type PixelCase } from '../fixtures/dicom/pixel-classes/index.ts';
import { blockCentres } from '../fixtures/dicom/pixel-classes/pattern.ts';
import { openFiles, shot, viewport } from './support/viewer-checks.ts';

interface Probe {
  decoded(): { imageId: string; rows: number; columns: number; color: boolean; values: number[] } | null;
  canvasPoint(x: number, y: number): [number, number] | null;
  voi(): { lower: number; upper: number; fn: string | null } | null;
  facts(): Record<string, unknown> | null;
}

function writeCaseFiles(c: PixelCase): string[] {
  const dir = mkdtempSync(join(tmpdir(), `pixel-${c.id}-`));
  mkdirSync(dir, { recursive: true });
  return c.files.map((bytes, i) => {
    const path = join(dir, `${c.id}-${i + 1}.dcm`);
    writeFileSync(path, bytes);
    return path;
  });
}

/** The largest difference between what Cornerstone decoded and the truth, and where. */
async function checkDecoded(page: Page, c: PixelCase, slice: ExpectedSlice, label: string): Promise<void> {
  const got = await page.evaluate(() => (globalThis as unknown as { __pixelProbe: Probe }).__pixelProbe.decoded());
  const facts = await page.evaluate(() => (globalThis as unknown as { __pixelProbe: Probe }).__pixelProbe.facts());
  expect(got, `${label}: an image is on screen`).not.toBeNull();
  expect([got!.rows, got!.columns], `${label}: size`).toEqual([c.rows, c.columns]);
  expect(got!.color, `${label}: colour or grey`).toBe(slice.decoded.kind === 'rgb');
  const want = slice.decoded.values;
  expect(got!.values.length, `${label}: number of samples`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got!.values[i]! - want[i]!);
    if (d > worst) [worst, at] = [d, i];
  }
  const tolerance = (c.decodeTolerance ?? 0) + 1e-6 * Math.max(1, ...Array.from(want, Math.abs));
  expect(
    worst,
    `${label}: decoded sample ${at} is ${got!.values[at]}, should be ${want[at]} (${JSON.stringify(facts)})`,
  ).toBeLessThanOrEqual(tolerance);
}

/** Sample the screenshot at each block centre and compare with the colour the block must show. */
async function checkShown(page: Page, c: PixelCase, slice: ExpectedSlice, label: string): Promise<void> {
  const vpBox = (await viewport(page).boundingBox())!;
  const canvasBox = (await viewport(page).locator('canvas').first().boundingBox())!;
  const centres = blockCentres(c.rows, c.columns);
  const points = await page.evaluate(
    (pts) => pts.map((p) => (globalThis as unknown as { __pixelProbe: Probe }).__pixelProbe.canvasPoint(p.x, p.y)),
    centres,
  );
  const tolerance = c.shownTolerance ?? 12;
  let px = await shot(page);
  const mismatches = () => {
    const out: string[] = [];
    points.forEach((p, k) => {
      const x = Math.round(p![0] + canvasBox.x - vpBox.x);
      const y = Math.round(p![1] + canvasBox.y - vpBox.y);
      const i = (y * px.width + x) * 3;
      const seen = [px.rgb[i]!, px.rgb[i + 1]!, px.rgb[i + 2]!];
      const want = slice.shown[k]!;
      if (seen.some((v, j) => Math.abs(v - want[j]!) > tolerance))
        out.push(`block ${k}: drawn ${seen.join(',')}, should be ${want.join(',')}`);
    });
    return out;
  };
  // Renders are asynchronous: wait for the drawn image to settle onto the truth.
  await expect
    .poll(
      async () => {
        px = await shot(page);
        return mismatches();
      },
      {
        message: `${label}: the colour of each block (VOI ${JSON.stringify(await page.evaluate(() => (globalThis as unknown as { __pixelProbe: Probe }).__pixelProbe.voi()))}; errors: ${errors.join(' | ').slice(0, 400) || 'none'})`,
        timeout: 10_000,
      },
    )
    .toEqual([]);
}

// Page and console errors of the running test: named in the failure message of a wrong colour.
let errors: string[] = [];

for (const c of pixelCases()) {
  test(`${c.id}: ${c.title} @cpu`, async ({ page }, info) => {
    test.skip(info.project.name === 'cpu' && c.cpuGap !== undefined, `[skip] CPU path: ${c.cpuGap}`);
    errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`);
    });
    await openFiles(page, writeCaseFiles(c));
    const vp = viewport(page);
    await expect(vp).toHaveAttribute('data-slice-count', String(c.slices.length));
    for (let s = 0; s < c.slices.length; s++) {
      const label = `${c.id}, image ${s + 1}/${c.slices.length}`;
      if (s > 0) {
        await vp.focus();
        await page.keyboard.press('ArrowDown');
        await expect(vp).toHaveAttribute('data-slice-index', String(s));
        await expect(page.getByTestId('viewer-status')).toHaveText('rendered');
      }
      await checkDecoded(page, c, c.slices[s]!, label);
      await checkShown(page, c, c.slices[s]!, label);
    }
    expect(errors, 'no page or console errors').toEqual([]);
  });
}
