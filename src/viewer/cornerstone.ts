// Cornerstone3D glue: one-time init, tool registration, in-memory file registration and purge.
// Files never touch a URL. Each payload file gets an imageId of our own scheme ('jmix:N', frames
// 'jmix:N?frame=K') without being read; the file's bytes are handed to Cornerstone's part-10 reader
// only when one of its images is first loaded. Registering a 2,000-file series is therefore free:
// giving the wadouri fileManager a Blob per file cost a copy of the whole study into Blob storage
// before the first image (`npm run bench`: +1 GiB of memory and 3.6 s on the 1 GiB envelope).
import {
  init as csInit,
  cache,
  getShouldUseCPURendering,
  imageLoader,
  imageLoadPoolManager,
  setUseCPURendering,
  RenderingEngine,
} from '@cornerstonejs/core';
import { init as dicomImageLoaderInit, wadouri } from '@cornerstonejs/dicom-image-loader';
import { Enums as MetadataEnums, metaData as naturalMetadata, utilities as metadataUtilities } from '@cornerstonejs/metadata';
import {
  init as toolsInit,
  addTool,
  annotation,
  AngleTool,
  LengthTool,
  PanTool,
  RectangleROITool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { payloadBytes, type ReadPayloadFile } from '../common/files.ts';
import { inflateIfDeflated } from '../dicom/inflate.ts';
import { parseDataset, PIXEL_DATA } from '../dicom/parse.ts';
import { oneBitToEightBit } from '../dicom/pixel-transforms.ts';
import type { DicomFrame } from '../dicom/types.ts';
import { TS_DEFLATED } from '../dicom/uids.ts';
import { normaliseNatural, voiLutFunctionOf, type Natural } from './natural-pixels.ts';
import { describeError } from './viewerModel.ts';

export const TOOL_NAMES = {
  windowLevel: WindowLevelTool.toolName,
  zoom: ZoomTool.toolName,
  pan: PanTool.toolName,
  stackScroll: StackScrollTool.toolName,
  length: LengthTool.toolName,
  angle: AngleTool.toolName,
  rectangleRoi: RectangleROITool.toolName,
} as const;

let initPromise: Promise<void> | null = null;

/** True when the page asked for the CPU path (`?cpu=1`), used by tests and for weak GPUs. */
function cpuRequestedByUrl(): boolean {
  try {
    return new URLSearchParams(globalThis.location?.search ?? '').get('cpu') === '1';
  } catch {
    return false;
  }
}

/** Initialise Cornerstone core, the DICOM loader and the tools exactly once per page. */
export function initCornerstone(): Promise<void> {
  initPromise ??= (async () => {
    csInit(); // falls back to CPU rendering by itself when WebGL is missing
    if (cpuRequestedByUrl()) setUseCPURendering(true);
    // Two workers at most: decode is bursty, and memory in a browser tab is the scarcer resource.
    const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
    dicomImageLoaderInit({ maxWebWorkers: Math.max(1, Math.min(2, Math.floor(cores / 2))) });
    imageLoader.registerImageLoader(SCHEME, loadPayloadImage as never);
    silenceExpectedRejections();
    toolsInit();
    for (const tool of [WindowLevelTool, ZoomTool, PanTool, StackScrollTool, LengthTool, AngleTool, RectangleROITool]) {
      addTool(tool);
    }
  })();
  return initPromise;
}

/** Whether images are drawn on the CPU (no WebGL, or `?cpu=1`). */
export function isCpuRendering(): boolean {
  return getShouldUseCPURendering();
}

let engineCounter = 0;

/** A fresh RenderingEngine for one viewer mount; the caller destroys it on unmount. */
export function createRenderingEngine(): RenderingEngine {
  engineCounter += 1;
  return new RenderingEngine(`jmix-viewer-${engineCounter}`);
}

const SCHEME = 'jmix';

// Payload files known to the loader, by path and by number; shared by all mounts until purgeCornerstone().
const fileNumbers = new Map<string, number>();
const files: { path: string; readFile: ReadPayloadFile; transferSyntaxUid: string | null; bitsAllocated: number | null }[] = [];
// Base imageIds whose bytes have been given to the part-10 reader.
const added = new Map<string, Promise<unknown>>();

/** Give one payload file a base imageId ('jmix:N'), once; nothing is read yet. */
export function registerFile(
  path: string,
  readFile: ReadPayloadFile,
  transferSyntaxUid?: string | null,
  bitsAllocated?: number | null,
): string {
  let n = fileNumbers.get(path);
  if (n === undefined) {
    n = files.push({ path, readFile, transferSyntaxUid: transferSyntaxUid ?? null, bitsAllocated: bitsAllocated ?? null }) - 1;
    fileNumbers.set(path, n);
  }
  return `${SCHEME}:${n}`;
}

/** The loader for 'jmix:' imageIds: read the file (inflating a deflated dataset), then decode as wadouri does. */
function loadPayloadImage(imageId: string, options: Record<string, unknown>): { promise: Promise<unknown> } {
  const base = imageId.replace(/\?.*$/, '');
  const promise = (async () => {
    let ready = added.get(base);
    if (!ready) {
      const file = files[Number(base.slice(SCHEME.length + 1))];
      if (!file) throw new Error(`${imageId} names no payload file (the envelope was closed).`);
      ready = file.readFile(file.path).then(async (x) => {
        const bytes = await payloadBytes(x);
        const inflated = file.transferSyntaxUid === TS_DEFLATED ? inflateIfDeflated(bytes) : bytes;
        const part10 = file.bitsAllocated === 1 ? oneBitAsBytes(inflated) : inflated;
        // The reader keeps what it is given: a view into a larger decrypted chunk is copied out.
        const own = part10.byteOffset === 0 && part10.byteLength === part10.buffer.byteLength ? part10 : part10.slice();
        await metadataUtilities.addDicomPart10Instance(base, own.buffer as ArrayBuffer);
        const natural = naturalOf(base);
        if (natural) normaliseNatural(natural);
      });
      // A failed read must not poison the cache: the next attempt reads again.
      ready.catch(() => added.delete(base));
      added.set(base, ready);
    }
    await ready;
    const image = (await wadouri.loadImageFromNaturalizedMetadata(imageId, options).promise) as DecodedImage;
    const natural = naturalOf(base);
    image.voiLUTFunction = voiLutFunctionOf(natural);
    if (natural && !hasWindow(natural) && !image.color) windowFromRange(image);
    return image;
  })().catch((e: unknown) => {
    throw new PayloadImageError(imageId, e);
  });
  return { promise };
}

interface DecodedImage {
  voiLUTFunction?: string;
  color?: boolean;
  windowCenter?: number | number[];
  windowWidth?: number | number[];
  slope?: number;
  intercept?: number;
  preScale?: { scaled?: boolean };
  getPixelData: () => ArrayLike<number>;
}

function hasWindow(n: Natural): boolean {
  return n['WindowCenter'] !== undefined && n['WindowWidth'] !== undefined;
}

/**
 * No window in the file: start with the full range of modality values, as a window both render
 * paths turn into exactly [lowest, highest]. Left to the loader, the CPU path derived its window
 * from unscaled values (PET and scaled dose drew white).
 */
function windowFromRange(image: DecodedImage): void {
  const px = image.getPixelData();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < px.length; i++) {
    const v = px[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return;
  const scaled = image.preScale?.scaled === true;
  const [a, b] = scaled ? [lo, hi] : [lo * (image.slope ?? 1) + (image.intercept ?? 0), hi * (image.slope ?? 1) + (image.intercept ?? 0)];
  const [min, max] = a <= b ? [a, b] : [b, a];
  // The DICOM linear function maps c − 0.5 ± (w − 1)/2 to black and white: this c and w give exactly min and max.
  image.windowCenter = (min + max + 1) / 2;
  image.windowWidth = max - min + 1;
}

/** A 1-bit image as 8 bits per pixel (see oneBitToEightBit); anything unexpected is left to the reader to report. */
function oneBitAsBytes(bytes: Uint8Array): Uint8Array {
  try {
    const ds = parseDataset(bytes, { headerOnly: true });
    const pixel = ds.elements[PIXEL_DATA];
    const bitsAllocated = ds.elements['x00280100'];
    if (!pixel || pixel.hadUndefinedLength || !bitsAllocated || ds.uint16('x00280100') !== 1) return bytes;
    const [rows, columns, samples] = [ds.uint16('x00280010') ?? 0, ds.uint16('x00280011') ?? 0, ds.uint16('x00280002') ?? 1];
    const frames = Math.max(1, Number(ds.string('x00280008') ?? 1) || 1);
    return oneBitToEightBit(bytes, {
      pixelDataOffset: pixel.dataOffset,
      pixelDataLength: pixel.length,
      bitsAllocatedAt: bitsAllocated.dataOffset,
      bitsStoredAt: ds.elements['x00280101']?.dataOffset ?? null,
      highBitAt: ds.elements['x00280102']?.dataOffset ?? null,
      pixels: rows * columns * samples * frames,
    });
  } catch {
    return bytes;
  }
}

function naturalOf(base: string): Natural | undefined {
  return naturalMetadata.get(MetadataEnums.MetadataModules.NATURALIZED, base) as Natural | undefined;
}

/**
 * A payload image that could not be loaded or decoded. Whoever asked for it shows why (the viewer's
 * status, the thumbnail's "no preview"); Cornerstone's cache also re-throws the same failure on a
 * promise nobody holds, and that copy alone is silenced (see silenceExpectedRejections).
 */
export class PayloadImageError extends Error {
  constructor(
    readonly imageId: string,
    readonly original: unknown,
  ) {
    super(describeError(original));
    this.name = 'PayloadImageError';
  }
}

/**
 * The imageId of one displayable frame. Multi-frame instances use the wadouri loader's 1-based
 * `?frame=K` convention (parseImageId subtracts one).
 */
export function imageIdForFrame(frame: DicomFrame, readFile: ReadPayloadFile): string {
  const base = registerFile(frame.path, readFile, frame.instance.transferSyntaxUid, frame.instance.bitsAllocated);
  return frame.instance.frameCount > 1 ? `${base}?frame=${frame.frame + 1}` : base;
}

/** ImageIds for a list of frames, in order (nothing is read until an image is loaded). */
export function imageIdsForFrames(frames: DicomFrame[], readFile: ReadPayloadFile): string[] {
  return frames.map((f) => imageIdForFrame(f, readFile));
}

/** Forget every decoded image, parsed dataset, annotation and registered file ("Close envelope"). */
export function purgeCornerstone(): void {
  // Stop what is queued or in flight first, then drop the data: purging the parsed files while a
  // decode is still running makes that decode fail inside Cornerstone, where nothing catches it.
  try {
    imageLoader.cancelLoadAll();
    for (const type of ['interaction', 'thumbnail', 'prefetch', 'compute'] as const) imageLoadPoolManager.clearRequestStack(type as never);
  } catch {
    /* no loads in flight */
  }
  ignoreTeardownRejections();
  try {
    cache.purgeCache();
  } catch {
    /* nothing cached yet */
  }
  // The part-10 reader's cache holds each viewed file's bytes: decrypted data must not outlive Close.
  metadataUtilities.clearCacheData();
  fileNumbers.clear();
  files.length = 0;
  added.clear();
  try {
    annotation.state.removeAllAnnotations();
  } catch {
    /* tools not initialised */
  }
}

/**
 * A decode that was already running when the envelope was closed still settles afterwards and
 * rejects inside Cornerstone ("no pixel data": we just dropped it). Those rejections, and only
 * those, are expected for a few seconds after a purge; anything else still surfaces.
 */
let teardownUntil = 0;
function ignoreTeardownRejections(): void {
  teardownUntil = Date.now() + 5000;
  silenceExpectedRejections();
}

/** One listener for the two kinds of rejection that are already accounted for (see above). */
let listening = false;
function silenceExpectedRejections(): void {
  if (listening || typeof window === 'undefined') return;
  listening = true;
  window.addEventListener('unhandledrejection', (ev) => {
    if (ev.reason instanceof PayloadImageError) return ev.preventDefault();
    const message = ev.reason instanceof Error ? ev.reason.message : String(ev.reason);
    if (Date.now() < teardownUntil && /no pixel data|has been purged|not found in cache|cancel/i.test(message)) ev.preventDefault();
  });
}

/**
 * imageLoader.loadAndCacheImage, minus its unhandled rejection: Cornerstone's cache re-throws a
 * failed load on a promise nobody holds, which surfaces as a page error for a slice that was never
 * shown. Here that promise is caught; the failure still reaches our caller.
 */
export async function loadIntoCache(imageId: string): Promise<void> {
  const pending = cache.getImageLoadObject(imageId);
  if (pending) {
    await pending.promise;
    return;
  }
  const load = imageId.startsWith(`${SCHEME}:`) ? loadPayloadImage(imageId, {}) : null;
  if (!load) {
    await imageLoader.loadAndCacheImage(imageId);
    return;
  }
  cache.putImageLoadObject(imageId, load as never).catch(() => {});
  await load.promise;
}

/** Slices fetched and decoded ahead of the one shown (scroll direction is usually forward) and behind it. */
const PREFETCH_AHEAD = 4;
const PREFETCH_BEHIND = 2;

/**
 * Load and cache the neighbours of `index` in `imageIds`, nearest first, a few at a time, so that
 * scrolling finds them decoded. Failures are left to the moment a slice is shown (its own error
 * then appears); after Close they are expected, and ignored. Returns how many neighbours are cached.
 */
export async function prefetchAround(imageIds: readonly string[], index: number, stillWanted: () => boolean = () => true): Promise<number> {
  const order: number[] = [];
  for (let d = 1; d <= Math.max(PREFETCH_AHEAD, PREFETCH_BEHIND); d++) {
    if (d <= PREFETCH_AHEAD && index + d < imageIds.length) order.push(index + d);
    if (d <= PREFETCH_BEHIND && index - d >= 0) order.push(index - d);
  }
  let cached = 0;
  for (const i of order) {
    if (!stillWanted()) break;
    const id = imageIds[i]!;
    if (cache.isLoaded(id)) {
      cached++;
      continue;
    }
    try {
      await loadIntoCache(id);
      cached++;
    } catch {
      /* shown (or not) when the slice itself is displayed */
    }
  }
  return cached;
}
