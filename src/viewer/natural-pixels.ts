// Fixes applied to a Part-10 instance as Cornerstone's metadata reader naturalised it, before any
// frame is decoded: native pixel layouts the loader gets wrong are rewritten into ones it gets
// right (src/dicom/pixel-transforms.ts), and header values it misreads are corrected. Each fix is
// proven pixel-exact on both render paths by e2e/pixel-classes.spec.ts.
import { colour16To8, doubleToFloat, expandSegmentedLut, maskStoredBits, ybr422ToYbrFull } from '../dicom/pixel-transforms.ts';

/** The naturalised dataset: keywords → values; Pixel Data as one buffer per frame (or one for all). */
export type Natural = Record<string, unknown>;

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99']);

function num(n: Natural, key: string): number | null {
  const v = Array.isArray(n[key]) ? (n[key] as unknown[])[0] : n[key];
  const x = typeof v === 'string' ? Number(v) : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function str(n: Natural, key: string): string | null {
  const v = Array.isArray(n[key]) ? (n[key] as unknown[])[0] : n[key];
  return typeof v === 'string' ? v.trim() : null;
}

/** A buffer, a view, or a frame given as a list of pieces (how the reader holds each frame), as bytes. */
function bytesOf(v: unknown): Uint8Array | null {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (!Array.isArray(v)) return null;
  const parts = v.map(bytesOf);
  if (parts.some((p) => p === null)) return null;
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p!.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p!, at);
    at += p!.length;
  }
  return out;
}

/** The native frames of the pixel element, each exactly one frame long (padding and all-in-one buffers split). */
function nativeFrames(pixels: unknown[], frameBytes: number, frames: number): Uint8Array[] | null {
  const buffers = pixels.map(bytesOf);
  if (buffers.some((b) => b === null)) return null;
  const all = buffers as Uint8Array[];
  if (all.length === frames) return all.map((b) => b.subarray(0, Math.min(b.length, frameBytes)));
  if (all.length === 1) return Array.from({ length: frames }, (_, k) => all[0]!.subarray(k * frameBytes, (k + 1) * frameBytes));
  return null;
}

/**
 * Rewrite what needs rewriting, in place. Returns a line per fix applied (for the tag inspector and
 * tests); an empty list when the instance was fine as it was.
 */
export function normaliseNatural(n: Natural): string[] {
  const fixes: string[] = [];
  const ts = str(n, 'TransferSyntaxUID');
  const rows = num(n, 'Rows') ?? 0;
  const columns = num(n, 'Columns') ?? 0;
  const samples = num(n, 'SamplesPerPixel') ?? 1;
  const frames = Math.max(1, num(n, 'NumberOfFrames') ?? 1);
  const photometric = str(n, 'PhotometricInterpretation') ?? '';

  // Double float pixels: the loader reads Float Pixel Data only.
  const double = n['DoubleFloatPixelData'];
  if (Array.isArray(double) && !n['FloatPixelData'] && !n['PixelData']) {
    const all = double.map(bytesOf).filter((b): b is Uint8Array => b !== null);
    n['FloatPixelData'] = all.map((b) => [doubleToFloat(b).buffer]);
    n['BitsAllocated'] = 32;
    delete n['DoubleFloatPixelData'];
    fixes.push('Double Float Pixel Data read as 32-bit float');
  }

  // RT Dose: the dose is pixel × Dose Grid Scaling (PS3.3 C.8.8.3), which is a rescale slope by another name.
  const doseScaling = num(n, 'DoseGridScaling');
  if (str(n, 'Modality') === 'RTDOSE' && doseScaling !== null && num(n, 'RescaleSlope') === null) {
    n['RescaleSlope'] = doseScaling;
    n['RescaleIntercept'] = 0;
    n['RescaleType'] = str(n, 'DoseUnits') ?? 'GY';
    fixes.push(`Dose Grid Scaling ${doseScaling} applied as the rescale slope`);
  }

  // Segmented palettes: the loader reads plain Palette Color LUT Data only.
  for (const colour of ['Red', 'Green', 'Blue']) {
    const segmented = n[`Segmented${colour}PaletteColorLookupTableData`];
    const descriptor = n[`${colour}PaletteColorLookupTableDescriptor`] as number[] | undefined;
    if (!segmented || n[`${colour}PaletteColorLookupTableData`] || !Array.isArray(descriptor)) continue;
    const raw = Array.isArray(segmented) ? bytesOf(segmented[0]) : bytesOf(segmented);
    if (!raw) continue;
    const entries = descriptor[0] === 0 ? 65536 : descriptor[0]!;
    const words = new Uint16Array(raw.slice().buffer, 0, Math.floor(raw.length / 2));
    n[`${colour}PaletteColorLookupTableData`] = [expandSegmentedLut(words, entries).buffer];
    fixes.push(`segmented ${colour.toLowerCase()} palette expanded to ${entries} entries`);
  }

  const pixels = n['PixelData'];
  if (!ts || !NATIVE.has(ts) || !Array.isArray(pixels) || !rows || !columns) return fixes;
  const bits = num(n, 'BitsAllocated') ?? 0;
  const stored = num(n, 'BitsStored') ?? bits;
  // YBR_FULL_422 stores two bytes per pixel (each pair shares its chroma).
  const ybr422 = samples === 3 && photometric === 'YBR_FULL_422';
  const frameBytes = ybr422 ? rows * Math.ceil(columns / 2) * 4 : Math.ceil((rows * columns * samples * bits) / 8);
  if (bits < 8) return fixes; // 1-bit images were rewritten as 8-bit before parsing (oneBitToEightBit)
  let frameList = nativeFrames(pixels, frameBytes, frames);
  if (!frameList) return fixes;
  const setFrames = (list: Uint8Array[]) => {
    frameList = list;
    n['PixelData'] = list.map((f) => [f.slice().buffer]);
  };
  if (pixels.length !== frames || frameList.some((f, k) => bytesOf(pixels[k])?.length !== f.length)) {
    setFrames(frameList);
    fixes.push('pixel data split into whole frames (padding dropped)');
  }

  if (samples === 1 && bits === 16 && stored < 16) {
    const signed = num(n, 'PixelRepresentation') === 1;
    setFrames(frameList.map((f) => maskStoredBits(f, stored, signed)));
    fixes.push(`bits above Bits Stored (${stored}) cleared`);
  }
  if (samples === 3 && bits === 16) {
    setFrames(frameList.map((f) => colour16To8(f, stored)));
    Object.assign(n, { BitsAllocated: 8, BitsStored: 8, HighBit: 7 });
    fixes.push('16-bit colour samples reduced to 8 bits');
  }
  if (ybr422 && bits === 8) {
    setFrames(frameList.map((f) => ybr422ToYbrFull(f, rows, columns)));
    Object.assign(n, { PhotometricInterpretation: 'YBR_FULL', PlanarConfiguration: 0 });
    fixes.push('YBR_FULL_422 chroma pairs expanded to YBR_FULL');
  }
  return fixes;
}

const VOI_FUNCTIONS = new Set(['LINEAR', 'LINEAR_EXACT', 'SIGMOID']);

/**
 * The VOI LUT Function the image is drawn with. The loader keeps only the first character of the
 * keyword ('S'), which the viewport then rejects ("Invalid VOI LUT function") and draws nothing.
 */
export function voiLutFunctionOf(n: Natural | undefined): string {
  const fn = n ? str(n, 'VOILUTFunction') : null;
  return fn && VOI_FUNCTIONS.has(fn) ? fn : 'LINEAR';
}
