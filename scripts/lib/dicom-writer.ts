// A small DICOM Part-10 writer for synthetic fixtures. Pure TS (no Node imports) so the demo can
// run it in a browser too. Writes Explicit VR Little Endian (default) or Implicit VR Little Endian.
// Multi-byte binary values are written little endian; typed-array pixel data is copied as-is, which
// assumes a little-endian host (every browser and Node platform we target).

export type VR =
  | 'AT' | 'CS' | 'DA' | 'DS' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT' | 'OB' | 'OW' | 'PN' | 'SH'
  | 'SL' | 'SQ' | 'SS' | 'ST' | 'TM' | 'UI' | 'UL' | 'UN' | 'US' | 'UT';

/** Tag as 0xGGGGEEEE. */
export type Tag = number;

export type ElementValue =
  | string
  | string[]
  | number
  | number[]
  | Uint8Array
  | Uint16Array
  | Int16Array
  /** SQ: items, each a list of elements. */
  | DicomElement[][];

export interface DicomElement {
  tag: Tag;
  vr: VR;
  value: ElementValue;
}

export const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const IMPLEMENTATION_CLASS_UID = '2.25.302733412316575134441316853046412587021';
export const IMPLEMENTATION_VERSION = 'JMIXVIEW_SYN_1';

// VRs whose explicit encoding uses 2 reserved bytes and a 32-bit length.
const LONG_VRS = new Set<VR>(['OB', 'OW', 'SQ', 'UN', 'UT']);
const STRING_VRS = new Set<VR>(['CS', 'DA', 'DS', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UI', 'UT']);

export function el(tag: Tag, vr: VR, value: ElementValue): DicomElement {
  return { tag, vr, value };
}

/** DS values must fit 16 characters; trim precision until they do. */
export function formatDS(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`formatDS: ${n} is not a finite number`);
  if (Number.isInteger(n)) return String(n);
  for (let digits = 10; digits >= 0; digits--) {
    const s = String(Number(n.toFixed(digits)));
    if (s.length <= 16) return s;
  }
  return n.toExponential(6);
}

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e) throw new Error(`dicom-writer: non-ASCII character in ${JSON.stringify(s)}`);
    out[i] = c;
  }
  return out;
}

function encodeString(vr: VR, value: ElementValue): Uint8Array {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = vr === 'DS' ? formatDS(value) : String(Math.trunc(value));
  else if (Array.isArray(value)) {
    text = (value as (string | number)[])
      .map((v) => (typeof v === 'number' ? (vr === 'DS' ? formatDS(v) : String(Math.trunc(v))) : v))
      .join('\\');
  } else throw new Error(`dicom-writer: ${vr} needs a string value`);
  const raw = asciiBytes(text);
  if (raw.length % 2 === 0) return raw;
  // Even-length rule: UI pads with NUL, every other string VR with a space.
  const padded = new Uint8Array(raw.length + 1);
  padded.set(raw);
  padded[raw.length] = vr === 'UI' ? 0 : 0x20;
  return padded;
}

function encodeNumbers(vr: VR, value: ElementValue): Uint8Array {
  const values = typeof value === 'number' ? [value] : (value as number[]);
  if (!Array.isArray(values)) throw new Error(`dicom-writer: ${vr} needs numeric values`);
  const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    switch (vr) {
      case 'US': view.setUint16(at, v, true); break;
      case 'SS': view.setInt16(at, v, true); break;
      case 'UL': view.setUint32(at, v, true); break;
      case 'SL': view.setInt32(at, v, true); break;
      case 'FL': view.setFloat32(at, v, true); break;
      case 'FD': view.setFloat64(at, v, true); break;
      // AT: a tag as two uint16, group first.
      case 'AT': view.setUint16(at, v >>> 16, true); view.setUint16(at + 2, v & 0xffff, true); break;
      default: throw new Error(`dicom-writer: ${vr} is not numeric`);
    }
  });
  return out;
}

function encodeBinary(vr: VR, value: ElementValue): Uint8Array {
  if (!(value instanceof Uint8Array || value instanceof Uint16Array || value instanceof Int16Array)) {
    throw new Error(`dicom-writer: ${vr} needs a typed array`);
  }
  const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (bytes.length % 2 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  return padded;
}

/** One encoded element as a list of chunks (header, value), so big pixel data is not copied twice. */
function encodeElement(e: DicomElement, explicit: boolean): Uint8Array[] {
  let value: Uint8Array[];
  if (e.vr === 'SQ') {
    const items = e.value as DicomElement[][];
    value = [];
    for (const item of items) {
      const body = sortElements(item).flatMap((child) => encodeElement(child, explicit));
      const len = body.reduce((n, c) => n + c.length, 0);
      value.push(header(0xfffee000, null, len), ...body);
    }
  } else if (STRING_VRS.has(e.vr)) value = [encodeString(e.vr, e.value)];
  else if (e.vr === 'OB' || e.vr === 'OW' || e.vr === 'UN') value = [encodeBinary(e.vr, e.value)];
  else value = [encodeNumbers(e.vr, e.value)];
  const len = value.reduce((n, c) => n + c.length, 0);
  if (explicit && !LONG_VRS.has(e.vr) && len > 0xffff) {
    throw new Error(`dicom-writer: ${tagString(e.tag)} ${e.vr} value is ${len} bytes (max 65535)`);
  }
  return [header(e.tag, explicit ? e.vr : null, len), ...value];
}

/** Element or item header; vr null means implicit (tag + 32-bit length). */
function header(tag: Tag, vr: VR | null, length: number): Uint8Array {
  const long = vr === null || LONG_VRS.has(vr);
  const out = new Uint8Array(vr === null ? 8 : long ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  if (vr === null) {
    view.setUint32(4, length, true);
    return out;
  }
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else view.setUint16(6, length, true);
  return out;
}

function sortElements(elements: DicomElement[]): DicomElement[] {
  return [...elements].sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
}

export function tagString(tag: Tag): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

function concat(chunks: Uint8Array[], prefix = 0): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, prefix);
  const out = new Uint8Array(total);
  let at = prefix;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export interface WriteOptions {
  sopClassUid: string;
  sopInstanceUid: string;
  /** Dataset encoding; the file meta group is always Explicit VR Little Endian. */
  transferSyntax?: typeof TS_EXPLICIT_LE | typeof TS_IMPLICIT_LE;
  /** Dataset elements (group 0002 is written here; do not pass it). */
  elements: DicomElement[];
}

/** A complete Part-10 file: 128-byte preamble, 'DICM', meta group with its group length, dataset. */
export function writeDicomFile(opts: WriteOptions): Uint8Array {
  const ts = opts.transferSyntax ?? TS_EXPLICIT_LE;
  const metaBody = sortElements([
    el(0x00020001, 'OB', new Uint8Array([0, 1])),
    el(0x00020002, 'UI', opts.sopClassUid),
    el(0x00020003, 'UI', opts.sopInstanceUid),
    el(0x00020010, 'UI', ts),
    el(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID),
    el(0x00020013, 'SH', IMPLEMENTATION_VERSION),
  ]).flatMap((e) => encodeElement(e, true));
  const metaLength = metaBody.reduce((n, c) => n + c.length, 0);
  const groupLength = encodeElement(el(0x00020000, 'UL', metaLength), true);
  const bad = opts.elements.find((e) => e.tag >>> 16 === 0x0002);
  if (bad) throw new Error(`dicom-writer: ${tagString(bad.tag)} belongs to the file meta group; it is written for you`);
  const dataset = sortElements(opts.elements).flatMap((e) => encodeElement(e, ts === TS_EXPLICIT_LE));
  const out = concat([asciiBytes('DICM'), ...groupLength, ...metaBody, ...dataset], 128);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Deterministic UIDs: '2.25.' + a 128-bit number derived from (seed, label). Not cryptographic;
// it only has to be stable and unlikely to collide across our own fixtures.

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function seededUid(seed: number, label: string): string {
  let value = 0n;
  for (let lane = 0; lane < 4; lane++) {
    let h = mix32((seed >>> 0) ^ Math.imul(lane + 1, 0x9e3779b9));
    for (let i = 0; i < label.length; i++) h = mix32(h ^ Math.imul(label.charCodeAt(i) + i, 0x27d4eb2d));
    value = (value << 32n) | BigInt(h);
  }
  return `2.25.${value.toString()}`;
}

/** Small deterministic PRNG (mulberry32) for noise and shuffles. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
