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
import { utilities as metadataUtilities } from '@cornerstonejs/metadata';
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
import type { DicomFrame } from '../dicom/types.ts';
import { TS_DEFLATED } from '../dicom/uids.ts';
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
const files: { path: string; readFile: ReadPayloadFile; transferSyntaxUid: string | null }[] = [];
// Base imageIds whose bytes have been given to the part-10 reader.
const added = new Map<string, Promise<unknown>>();

/** Give one payload file a base imageId ('jmix:N'), once; nothing is read yet. */
export function registerFile(path: string, readFile: ReadPayloadFile, transferSyntaxUid?: string | null): string {
  let n = fileNumbers.get(path);
  if (n === undefined) {
    n = files.push({ path, readFile, transferSyntaxUid: transferSyntaxUid ?? null }) - 1;
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
        const part10 = file.transferSyntaxUid === TS_DEFLATED ? inflateIfDeflated(bytes) : bytes;
        // The reader keeps what it is given: a view into a larger decrypted chunk is copied out.
        const own = part10.byteOffset === 0 && part10.byteLength === part10.buffer.byteLength ? part10 : part10.slice();
        await metadataUtilities.addDicomPart10Instance(base, own.buffer as ArrayBuffer);
      });
      // A failed read must not poison the cache: the next attempt reads again.
      ready.catch(() => added.delete(base));
      added.set(base, ready);
    }
    await ready;
    return wadouri.loadImageFromNaturalizedMetadata(imageId, options).promise;
  })().catch((e: unknown) => {
    throw new PayloadImageError(imageId, e);
  });
  return { promise };
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
  const base = registerFile(frame.path, readFile, frame.instance.transferSyntaxUid);
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
