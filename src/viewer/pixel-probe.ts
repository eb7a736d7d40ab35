// A window hook for the viewer harness only (viewer-harness.html, never the app): lets Playwright
// read what Cornerstone decoded for the image on screen, and where an image pixel lands on the
// canvas, so pixel tests can compare both with values they compute themselves.
import { getRenderingEngines, utilities, type StackViewport } from '@cornerstonejs/core';

export interface DecodedImage {
  imageId: string;
  rows: number;
  columns: number;
  color: boolean;
  samplesPerPixel: number;
  /** Modality values (grey) or colour samples, after any scaling the loader applied. */
  values: number[];
  photometricInterpretation: string | null;
}

function stackViewport(): StackViewport | null {
  for (const engine of getRenderingEngines() ?? []) {
    for (const vp of engine.getViewports()) if ('getCornerstoneImage' in vp) return vp as StackViewport;
  }
  return null;
}

function decoded(): DecodedImage | null {
  const image = stackViewport()?.getCornerstoneImage();
  if (!image) return null;
  // The CPU path swaps float pixels for 16-bit integers (with a slope) in the voxel manager only.
  const pixels = (image.voxelManager?.getScalarData() ?? image.getPixelData()) as ArrayLike<number>;
  const preScaled = image.preScale?.scaled === true;
  const slope = preScaled ? 1 : (image.slope ?? 1);
  const intercept = preScaled ? 0 : (image.intercept ?? 0);
  const samples = image.color ? (pixels.length / (image.rows * image.columns) >= 4 ? 4 : 3) : 1;
  const values: number[] = [];
  for (let i = 0; i < image.rows * image.columns; i++) {
    if (samples === 1) values.push(pixels[i]! * slope + intercept);
    else for (let s = 0; s < 3; s++) values.push(pixels[i * samples + s]!);
  }
  return {
    imageId: image.imageId,
    rows: image.rows,
    columns: image.columns,
    color: Boolean(image.color),
    samplesPerPixel: samples,
    values,
    photometricInterpretation: (image as { photometricInterpretation?: string }).photometricInterpretation ?? null,
  };
}

/** Where the centre of image pixel (x = column, y = row) is drawn, in CSS pixels from the canvas' top left. */
function canvasPoint(x: number, y: number): [number, number] | null {
  const vp = stackViewport();
  const imageId = vp?.getCurrentImageId();
  if (!vp || !imageId) return null;
  const world = utilities.imageToWorldCoords(imageId, [x, y]);
  if (!world) return null;
  const p = vp.worldToCanvas(world);
  return [p[0], p[1]];
}

/** The decoded image's scalar facts, for debugging a wrong value. */
function facts(): Record<string, unknown> | null {
  const image = stackViewport()?.getCornerstoneImage();
  if (!image) return null;
  const px = (image.voxelManager?.getScalarData() ?? image.getPixelData()) as ArrayLike<number> & { constructor: { name: string } };
  return {
    type: px.constructor.name,
    first: Array.from({ length: 4 }, (_, i) => px[i]),
    slope: image.slope,
    intercept: image.intercept,
    preScale: image.preScale,
    min: image.minPixelValue,
    max: image.maxPixelValue,
  };
}

/** The VOI the viewport draws with, for messages when a colour is wrong. */
function voi(): { lower: number; upper: number; fn: string | null } | null {
  const props = stackViewport()?.getProperties();
  if (!props?.voiRange) return null;
  return { lower: props.voiRange.lower, upper: props.voiRange.upper, fn: props.VOILUTFunction ?? null };
}

export function installPixelProbe(): void {
  (globalThis as { __pixelProbe?: unknown }).__pixelProbe = { decoded, canvasPoint, voi, facts };
}
