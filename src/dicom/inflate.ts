// Deflated Explicit VR Little Endian: everything after the file meta group is raw DEFLATE. The one
// inflater for every reader of DICOM in the app: the header index, the tag inspector (both through
// dicom-parser's `inflater` hook) and the viewer's pixel loader (Cornerstone's 5.x part-10 reader
// has no inflater in the browser, so such files are rewritten as plain Explicit VR LE for it).
import { inflateSync } from 'fflate';
import { TS_DEFLATED, TS_EXPLICIT_LE } from './uids.ts';
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

/** dicom-parser's `inflater`: the bytes up to `position` as they are, the rest inflated. */
export function inflateDataset(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

interface MetaElement {
  tag: number;
  vr: string;
  value: Uint8Array;
}

function readMeta(bytes: Uint8Array): { elements: MetaElement[]; end: number } | null {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements: MetaElement[] = [];
  let pos = 132;
  while (pos + 8 <= bytes.length && dv.getUint16(pos, true) === 0x0002) {
    const tag = (0x0002 << 16) | dv.getUint16(pos + 2, true);
    const vr = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!);
    let len: number;
    let header: number;
    if (LONG_VRS.has(vr)) {
      len = dv.getUint32(pos + 8, true);
      header = 12;
    } else {
      len = dv.getUint16(pos + 6, true);
      header = 8;
    }
    if (pos + header + len > bytes.length) return null;
    elements.push({ tag, vr, value: bytes.subarray(pos + header, pos + header + len) });
    pos += header + len;
  }
  return { elements, end: pos };
}

function transferSyntaxOf(meta: MetaElement[]): string | null {
  const el = meta.find((e) => e.tag === 0x00020010);
  return el ? new TextDecoder().decode(el.value).replace(/[\0 ]+$/, '') : null;
}

function writeElement(out: number[], e: MetaElement): void {
  out.push((e.tag >> 16) & 0xff, (e.tag >> 24) & 0xff, e.tag & 0xff, (e.tag >> 8) & 0xff, e.vr.charCodeAt(0), e.vr.charCodeAt(1));
  const n = e.value.length;
  if (LONG_VRS.has(e.vr)) out.push(0, 0, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  else out.push(n & 0xff, (n >> 8) & 0xff);
  for (const b of e.value) out.push(b);
}

/** The same file as Explicit VR LE when it is Deflated; otherwise the input, untouched. */
export function inflateIfDeflated(bytes: Uint8Array): Uint8Array {
  const meta = readMeta(bytes);
  if (!meta || transferSyntaxOf(meta.elements) !== TS_DEFLATED) return bytes;
  const dataset = inflateSync(bytes.subarray(meta.end));
  const ts = new TextEncoder().encode(`${TS_EXPLICIT_LE}\0`); // UI values pad to even length with NUL
  const body: number[] = [];
  for (const e of meta.elements) {
    if (e.tag === 0x00020000) continue;
    writeElement(body, e.tag === 0x00020010 ? { ...e, value: ts } : e);
  }
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, body.length, true);
  const head: number[] = [];
  writeElement(head, { tag: 0x00020000, vr: 'UL', value: groupLength });
  const out = new Uint8Array(132 + head.length + body.length + dataset.length);
  out.set(bytes.subarray(0, 132), 0);
  out.set(head, 132);
  out.set(body, 132 + head.length);
  out.set(dataset, 132 + head.length + body.length);
  return out;
}
