// Cornerstone3D glue: one-time init, tool registration, in-memory file registration and purge.
// Files never touch a URL: decrypted bytes go to the wadouri fileManager as Blobs ('dicomfile:N').
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
import type { DicomFrame } from '../dicom/types.ts';
import { inflateIfDeflated } from './deflate.ts';

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

// path -> base imageId ('dicomfile:N'); shared by all mounts until purgeCornerstone().
const registered = new Map<string, Promise<string>>();

/** How the viewer reads a payload file: its bytes, or (large payloads) the Blob that holds it. */
export type ReadPayloadFile = (path: string) => Promise<Uint8Array | Blob>;

/** The bytes of what a ReadPayloadFile returned. */
export async function payloadBytes(x: Uint8Array | Blob): Promise<Uint8Array> {
  return x instanceof Blob ? new Uint8Array(await x.arrayBuffer()) : x;
}

const DEFLATED_TS = '1.2.840.10008.1.2.1.99';

/** Register one payload file with the loader (once) and give its base imageId. */
export function registerFile(path: string, readFile: ReadPayloadFile, transferSyntaxUid?: string | null): Promise<string> {
  let id = registered.get(path);
  if (!id) {
    // A Blob goes to the loader as it is (no copy through the JS heap), unless it must be inflated.
    id = readFile(path).then(async (x) =>
      wadouri.fileManager.add(x instanceof Blob && transferSyntaxUid !== DEFLATED_TS ? x : new Blob([inflateIfDeflated(await payloadBytes(x)) as Uint8Array<ArrayBuffer>])),
    );
    // A failed read must not poison the cache: the next attempt reads again.
    id.catch(() => registered.delete(path));
    registered.set(path, id);
  }
  return id;
}

/**
 * The imageId of one displayable frame. Multi-frame instances use the loader's 1-based
 * `dicomfile:N?frame=K` convention (parseImageId subtracts one).
 */
export async function imageIdForFrame(
  frame: DicomFrame,
  readFile: ReadPayloadFile,
): Promise<string> {
  const base = await registerFile(frame.path, readFile, frame.instance.transferSyntaxUid);
  return frame.instance.frameCount > 1 ? `${base}?frame=${frame.frame + 1}` : base;
}

/** ImageIds for a list of frames, in order; files are read one at a time to bound memory spikes. */
export async function imageIdsForFrames(
  frames: DicomFrame[],
  readFile: ReadPayloadFile,
): Promise<string[]> {
  const ids: string[] = [];
  for (const f of frames) ids.push(await imageIdForFrame(f, readFile));
  return ids;
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
  wadouri.dataSetCacheManager.purge();
  wadouri.fileManager.purge();
  registered.clear();
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
  if (listening || typeof window === 'undefined') return;
  listening = true;
  window.addEventListener('unhandledrejection', (ev) => {
    const message = ev.reason instanceof Error ? ev.reason.message : String(ev.reason);
    if (Date.now() < teardownUntil && /no pixel data|has been purged|not found in cache|cancel/i.test(message)) ev.preventDefault();
  });
}
let listening = false;
