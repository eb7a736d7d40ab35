// Reads the header of one DICOM file (everything before Pixel Data) into plain data. Never throws:
// anything that is not a readable DICOM image comes back as { ok: false, reason }.
import type { DataSet, Element } from 'dicom-parser';
import { functionalGroupGeometry, reader } from './dataset-reader.ts';
import { MAX_FRAMES_PER_INSTANCE } from './limits.ts';
import { parseDataset, parseFileMeta, PIXEL_DATA_TAGS } from './parse.ts';
import type { DicomInstance, DicomPatient } from './types.ts';
import {
  DECODABLE_TRANSFER_SYNTAXES,
  isImageStorageClass,
  SOP_CLASS_DICOMDIR,
  TS_EXPLICIT_BE,
  TS_EXPLICIT_LE,
  TS_IMPLICIT_LE,
} from './uids.ts';

/** A DicomInstance plus the study/series/patient facts the index groups by. */
export interface ParsedInstance extends DicomInstance {
  studyUid: string | null;
  seriesUid: string | null;
  modality: string | null;
  seriesDescription: string | null;
  seriesNumber: number | null;
  bodyPart: string | null;
  studyDescription: string | null;
  studyDate: string | null;
  studyTime: string | null;
  accession: string | null;
  patient: DicomPatient;
  frameOfReferenceUid: string | null;
  /** False when the file had no 'DICM' at byte 128 and was read as a bare dataset. */
  part10: boolean;
  hasPixelData: boolean;
  /** Declared Pixel Data length in bytes; null when encapsulated (undefined length) or absent. */
  pixelDataLength: number | null;
  /** Bytes of Pixel Data actually present in the file (after the element header). */
  pixelDataAvailable: number | null;
  /** Native pixel bytes the header implies (rows × columns × samples × bits/8 × frames). */
  expectedPixelBytes: number | null;
  /** Things worth telling the user that do not stop the file from displaying. */
  warnings: string[];
}

/** 'limit': the header declares more than the viewer will hold (see src/dicom/limits.ts). */
export type HeaderFailureKind = 'not-dicom' | 'dicomdir' | 'truncated' | 'no-pixel-data' | 'unreadable' | 'limit';

export type HeaderResult = { ok: true; instance: ParsedInstance } | { ok: false; kind: HeaderFailureKind; reason: string };

function fail(kind: HeaderFailureKind, reason: string): HeaderResult {
  return { ok: false, kind, reason };
}

function hasDicmMarker(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function isVrLetters(a: number | undefined, b: number | undefined): boolean {
  return a !== undefined && b !== undefined && a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

// Groups a bare dataset plausibly starts with (meta, identifying, patient, acquisition, relationship, image).
const FIRST_GROUPS = new Set([0x0002, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028]);

/** How to read a dataset that has no preamble, or null when the first bytes do not look like one. */
function sniffBareDataset(bytes: Uint8Array): { transferSyntax: string; metaFirst: boolean } | null {
  if (bytes.length < 8) return null;
  const groupLE = bytes[0]! | (bytes[1]! << 8);
  const groupBE = (bytes[0]! << 8) | bytes[1]!;
  const explicit = isVrLetters(bytes[4], bytes[5]);
  if (FIRST_GROUPS.has(groupLE)) {
    if (groupLE === 0x0002) return explicit ? { transferSyntax: TS_EXPLICIT_LE, metaFirst: true } : null;
    if (explicit) return { transferSyntax: TS_EXPLICIT_LE, metaFirst: false };
    const length = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! * 0x1000000);
    return length < bytes.length ? { transferSyntax: TS_IMPLICIT_LE, metaFirst: false } : null;
  }
  if (FIRST_GROUPS.has(groupBE) && explicit) return { transferSyntax: TS_EXPLICIT_BE, metaFirst: false };
  return null;
}

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e) return errorText((e as { exception: unknown }).exception);
  return String(e);
}

function tagLabel(tag: string): string {
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5).toUpperCase()})`;
}

/** The last top-level element read before parsing failed, for 'truncated after ...' messages. */
function lastElement(ds: DataSet | undefined): Element | null {
  if (!ds) return null;
  let last: Element | null = null;
  for (const e of Object.values(ds.elements)) if (!last || e.dataOffset > last.dataOffset) last = e;
  return last;
}

/** A top-level element whose value runs past the end of the buffer (ignoring Pixel Data). */
function overrunElement(ds: DataSet): Element | null {
  const end = ds.byteArray.length;
  for (const e of Object.values(ds.elements)) {
    if (PIXEL_DATA_TAGS.includes(e.tag) || e.hadUndefinedLength) continue;
    if (e.dataOffset + e.length > end) return e;
  }
  return null;
}

/**
 * How many frames `bytes` of Pixel Data can hold, or null when the header gives no frame size.
 * Native: whole frames of Rows×Columns×Samples×Bits. Encapsulated: each frame needs at least one
 * fragment item (an 8-byte item header) after the 8-byte Basic Offset Table item.
 */
function framesHeld(bytes: number, encapsulated: boolean, bitsPerFrame: number | null): number | null {
  if (encapsulated) return Math.floor(Math.max(0, bytes - 8) / 8);
  if (!bitsPerFrame) return null;
  return Math.floor((bytes * 8) / bitsPerFrame);
}

/** Parse the header of one payload file. `path` is only used in messages. Never throws. */
/**
 * `bytes` may be only the start of a larger file (`fileSize` bytes in all): enough for the header,
 * which is all that is read; the pixel data is then measured against the real size.
 */
export function parseDicomHeader(bytes: Uint8Array, path: string, fileSize = bytes.length): HeaderResult {
  try {
    return readHeader(bytes, path, fileSize);
  } catch (e) {
    // Last line of defence: dicom-parser throws strings and objects from many places.
    return fail('unreadable', `DICOM header could not be read: ${errorText(e)}`);
  }
}

function readHeader(bytes: Uint8Array, path: string, fileSize: number): HeaderResult {
  let data = bytes;
  let part10 = hasDicmMarker(bytes);
  let bareTransferSyntax: string | null = null;
  if (!part10) {
    const sniff = sniffBareDataset(bytes);
    if (!sniff) {
      const size = bytes.length < 132 ? ` (the file is only ${bytes.length} bytes)` : '';
      return fail('not-dicom', `not DICOM: no DICM marker at byte 128 and not a valid dataset${size}`);
    }
    if (sniff.metaFirst) {
      // A meta group without the preamble: give it one, then it reads as a normal Part-10 file.
      data = new Uint8Array(132 + bytes.length);
      data.set([0x44, 0x49, 0x43, 0x4d], 128);
      data.set(bytes, 132);
      part10 = true;
    } else bareTransferSyntax = sniff.transferSyntax;
  }

  // The meta group first: a DICOMDIR is an index, and a broken meta group is its own message.
  if (part10) {
    let meta: DataSet;
    try {
      meta = parseFileMeta(data);
    } catch (e) {
      return fail(
        'truncated',
        `DICOM header truncated at byte ${bytes.length}: the file meta group (0002) could not be read (${errorText(e)})`,
      );
    }
    // dicom-parser seeks past the end without complaint; check the meta group really fits.
    const metaOverrun = overrunElement(meta);
    const metaEnd = (meta as DataSet & { position?: number }).position ?? 0;
    if (metaOverrun || metaEnd >= data.length) {
      const where = metaOverrun
        ? `element ${tagLabel(metaOverrun.tag)} at offset ${metaOverrun.dataOffset} declares ${metaOverrun.length} bytes`
        : 'the file ends before the dataset starts';
      return fail('truncated', `DICOM header truncated at byte ${bytes.length}: ${where}`);
    }
    const mediaClass = meta.elements['x00020002'] ? meta.string('x00020002') : undefined;
    if (mediaClass === SOP_CLASS_DICOMDIR) return fail('dicomdir', 'DICOMDIR (a media index, not an image)');
    if (!meta.elements['x00020010']) {
      return fail('unreadable', 'DICOM file meta group has no Transfer Syntax UID (0002,0010); the dataset encoding is unknown');
    }
  }

  let ds: DataSet;
  try {
    ds = parseDataset(data, { headerOnly: true, transferSyntax: bareTransferSyntax });
  } catch (e) {
    const partial = (e as { dataSet?: DataSet } | null)?.dataSet;
    const message = errorText(e);
    // Without a preamble we only guessed it was DICOM; a failed parse says the guess was wrong.
    if (!part10) return fail('not-dicom', `not DICOM: no DICM marker at byte 128 and not a valid dataset (${message})`);
    if (/past end of buffer|buffer overrun|overread|eof/i.test(message)) {
      const last = lastElement(partial);
      const after = last ? ` after element ${tagLabel(last.tag)}` : '';
      return fail('truncated', `DICOM header truncated at byte ${bytes.length}${after}: the file ends inside the dataset (${message})`);
    }
    return fail('unreadable', `DICOM dataset could not be read: ${message}`);
  }

  const overrun = overrunElement(ds);
  if (overrun) {
    return fail(
      'truncated',
      `DICOM header truncated at byte ${bytes.length}: element ${tagLabel(overrun.tag)} at offset ${overrun.dataOffset} declares ${overrun.length} bytes`,
    );
  }

  const r = reader(ds);
  const sopClassUid = r.str('x00080016');
  if (sopClassUid === SOP_CLASS_DICOMDIR || ds.elements['x00041220']) {
    return fail('dicomdir', 'DICOMDIR (a media index, not an image)');
  }
  // Float and double float pixels (parametric maps) are images too; the header parse stops only at 7FE0,0010.
  const pixelTag = PIXEL_DATA_TAGS.find((t) => ds.elements[t]);
  if (!part10 && !sopClassUid && !r.str('x00080018') && !pixelTag) {
    return fail('not-dicom', 'not DICOM: no DICM marker at byte 128 and not a valid dataset (no SOP Class, SOP Instance or Pixel Data)');
  }
  const pixel = pixelTag ? ds.elements[pixelTag] : undefined;
  if (!pixel) {
    if (ds.elements['x00280010'] || ds.elements['x00280011'] || isImageStorageClass(sopClassUid)) {
      return fail(
        'truncated',
        `DICOM header truncated at byte ${bytes.length}: the file ends before Pixel Data (7FE0,0010) although its SOP Class / Rows / Columns say it is an image`,
      );
    }
    return fail(
      'no-pixel-data',
      `DICOM object without Pixel Data (7FE0,0010)${sopClassUid ? `, SOP Class ${sopClassUid}` : ''}: not an image`,
    );
  }

  const warnings: string[] = [];
  if (!part10) warnings.push(`no Part-10 preamble ('DICM' at byte 128); read as a bare dataset in ${bareTransferSyntax}`);
  const fg = functionalGroupGeometry(ds);
  const rows = r.us('x00280010');
  const columns = r.us('x00280011');
  const bitsAllocated = r.us('x00280100');
  const samplesPerPixel = r.us('x00280002');
  const frames = r.int('x00280008');
  if (frames !== null && frames > MAX_FRAMES_PER_INSTANCE) {
    return fail(
      'limit',
      `NumberOfFrames (0028,0008) is ${frames.toLocaleString('en')}, over the limit of ${MAX_FRAMES_PER_INSTANCE.toLocaleString('en')} frames in one image, so the file was not read as an image. Real multi-frame images hold a few thousand at most: this header is damaged or crafted, so ask the sender for the original file`,
    );
  }
  const declaredFrames = frames !== null && frames > 0 ? frames : 1;
  const bitsPerFrame =
    rows !== null && columns !== null && bitsAllocated !== null ? rows * columns * (samplesPerPixel ?? 1) * bitsAllocated : null;
  const expectedPixelBytes = bitsPerFrame !== null ? Math.ceil((bitsPerFrame * declaredFrames) / 8) : null;
  const undefinedLength = pixel.hadUndefinedLength === true;
  const pixelDataLength = undefinedLength ? null : pixel.length;
  const pixelDataAvailable = Math.max(0, ds.byteArray.length + (fileSize - bytes.length) - pixel.dataOffset);
  const have = undefinedLength ? pixelDataAvailable : Math.min(pixel.length, pixelDataAvailable);
  // Never more frames than the pixel data can hold: each one becomes a displayable image.
  const held = framesHeld(have, undefinedLength, bitsPerFrame);
  const frameCount = held !== null && held < declaredFrames ? Math.max(1, held) : declaredFrames;
  if (frameCount < declaredFrames) {
    warnings.push(
      `NumberOfFrames (0028,0008) is ${declaredFrames.toLocaleString('en')} but Pixel Data holds ${held ? `only ${held.toLocaleString('en')}` : 'not even one'} whole frame(s); ${frameCount.toLocaleString('en')} frame(s) are listed and may show blank or fail to decode`,
    );
  } else if (!undefinedLength && expectedPixelBytes !== null && have < expectedPixelBytes) {
    warnings.push(
      `Pixel Data holds ${have} bytes but Rows×Columns×Samples×Bits×Frames imply ${expectedPixelBytes}; the image may show blank or fail to decode`,
    );
  }

  const transferSyntaxUid = part10 ? r.str('x00020010') : bareTransferSyntax;
  if (transferSyntaxUid && !DECODABLE_TRANSFER_SYNTAXES.has(transferSyntaxUid.replace(/\0/g, '').trim())) {
    warnings.push(`transfer syntax ${transferSyntaxUid} is not one this viewer can decode; the header is shown but the image cannot be`);
  }
  if (rows === 0 || columns === 0) {
    warnings.push(`Rows (0028,0010) is ${rows} and Columns (0028,0011) is ${columns}: an image with no pixels cannot be shown`);
  }
  const instance: ParsedInstance = {
    path,
    sopInstanceUid: r.str('x00080018'),
    sopClassUid,
    transferSyntaxUid,
    instanceNumber: r.int('x00200013'),
    frameCount,
    rows,
    columns,
    bitsAllocated,
    pixelRepresentation: r.us('x00280103'),
    samplesPerPixel,
    photometricInterpretation: r.str('x00280004'),
    imagePositionPatient: r.floats('x00200032', 3) ?? fg.position,
    imageOrientationPatient: r.floats('x00200037', 6) ?? fg.orientation,
    pixelSpacing: r.floats('x00280030', 2) ?? fg.spacing,
    sliceLocation: r.floats('x00201041', 1)?.[0] ?? null,
    windowCenter: r.floatList('x00281050'),
    windowWidth: r.floatList('x00281051'),
    normalPosition: null,
    studyUid: r.str('x0020000d'),
    seriesUid: r.str('x0020000e'),
    modality: r.str('x00080060'),
    seriesDescription: r.text('x0008103e'),
    seriesNumber: r.int('x00200011'),
    bodyPart: r.str('x00180015'),
    studyDescription: r.text('x00081030'),
    studyDate: r.str('x00080020'),
    studyTime: r.str('x00080030'),
    accession: r.text('x00080050'),
    patient: {
      name: r.text('x00100010'),
      id: r.text('x00100020'),
      birthDate: r.str('x00100030'),
      sex: r.str('x00100040'),
    },
    frameOfReferenceUid: r.str('x00200052'),
    part10,
    hasPixelData: true,
    pixelDataLength,
    pixelDataAvailable,
    expectedPixelBytes,
    warnings,
  };
  return { ok: true, instance };
}
