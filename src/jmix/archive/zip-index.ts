// The zip index: the end record that leads to it, and the central directory it lists, checked as
// a whole before any entry is read.
import { EnvelopeError } from '../api.ts';
import { UnpackBudget } from '../limits.ts';
import { printable, requireSafePath } from '../paths.ts';
import { crc32 } from './crc32.ts';
import { directoryWithDataError, refuseNameConflicts } from './names.ts';
import {
  ambiguous,
  corrupt,
  decodeName,
  EXTRA_ZIP64,
  extraFields,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  u16,
  u32,
  u64,
  utf8,
  withZip64Figures,
  type CentralEntry,
} from './zip-format.ts';

// End records. Zip tools find the index through the end-of-central-directory record, searched for
// in the last 64 KiB + 22 bytes (the comment is at most 64 KiB), and they disagree on which one
// to take when there are several: the last signature (this reader, Python), the last whose
// comment fits in the file (Go), the one whose comment ends exactly at the end of the file
// (strict readers). So a second record that points at a central directory of its own (appended,
// hidden in the comment or in a stored entry's data) is an archive with two readings.
// Not every PK\x05\x06 is such a record: stored entry data may hold those bytes, even a whole
// nested zip. A record counts only if some tool could follow it to an index, i.e. it declares at
// least one entry, and where it says the central directory starts (an absolute offset, as every
// reader uses it) lies a central directory record, ending before the end record itself. A nested
// zip's offsets are relative to its own start, so they do not point at a record in the outer file.

export interface EndRecord {
  /** Absolute offset of the PK\x05\x06 signature. */
  at: number;
  count: number;
  cdSize: number;
  cdOffset: number;
  /** Absolute offset of the zip64 end record, when a zip64 locator precedes this record. */
  zip64At: number | null;
}

export const EOCD_LENGTH = 22;
export const MAX_COMMENT = 0xffff;
export const ZIP64_EOCD_LENGTH = 56;
const CENTRAL_FIXED = 46;

/** Every end record in the window zip tools search, the last one first. `tail` starts at absolute offset `base`. */
function endRecordsIn(tail: Uint8Array, base: number): EndRecord[] {
  const out: EndRecord[] = [];
  const lowest = Math.max(0, tail.length - EOCD_LENGTH - MAX_COMMENT);
  for (let e = tail.length - EOCD_LENGTH; e >= lowest; e--) {
    if (u32(tail, e) !== SIG_EOCD) continue;
    const zip64 = e >= 20 && u32(tail, e - 20) === SIG_ZIP64_LOCATOR;
    out.push({
      at: base + e,
      count: u16(tail, e + 10),
      cdSize: u32(tail, e + 12),
      cdOffset: u32(tail, e + 16),
      zip64At: zip64 ? u64(tail, e - 12) : null,
    });
  }
  return out;
}

/** The record with the zip64 end record's figures (its 56 bytes in `z64`), or null when that record is not there. */
function withZip64(r: EndRecord, z64: Uint8Array | null): EndRecord | null {
  if (r.zip64At === null) return r;
  if (!z64 || z64.length < ZIP64_EOCD_LENGTH || u32(z64, 0) !== SIG_ZIP64_EOCD) return null;
  return { ...r, count: u64(z64, 32), cdSize: u64(z64, 40), cdOffset: u64(z64, 48) };
}

/** Could a zip tool follow this record to an index? `head` holds the first bytes where it says the index starts. */
function leadsToCentralDirectory(r: EndRecord, head: Uint8Array): boolean {
  return r.count >= 1 && r.cdSize >= CENTRAL_FIXED && r.cdOffset + r.cdSize <= r.at && head.length >= 4 && u32(head, 0) === SIG_CENTRAL;
}

function secondEndRecord(origin: string, chosen: EndRecord, others: EndRecord[]): EnvelopeError {
  const offsets = [chosen, ...others].map((r) => r.at).sort((a, b) => a - b);
  return ambiguous(
    origin,
    `it holds ${offsets.length} end-of-central-directory records (the zip index's end marker, at byte offsets ${offsets.join(', ')}), and more than one of them points at a central directory; zip tools pick different ones (the last, or the one whose comment ends the file)`,
  );
}

/** A byte range of the archive a reading step needs: [absolute start, length]. */
export type Range = [start: number, length: number];

/**
 * The end record to use (zip64 figures applied), after refusing a second one that leads to an
 * index. Written as steps that ask for the bytes they need (yield a range, get its bytes, fewer at
 * the end of the archive), so the same logic reads a buffer in memory and a Blob.
 */
export function* chooseEndRecord(tail: Uint8Array, base: number, origin: string): Generator<Range, EndRecord, Uint8Array> {
  const [chosen, ...others] = endRecordsIn(tail, base);
  if (!chosen) throw corrupt(origin, 'no end-of-central-directory record (the zip index) was found at the end of the file');
  const leading: EndRecord[] = [];
  for (const other of others) {
    const r = withZip64(other, other.zip64At === null ? null : yield [other.zip64At, ZIP64_EOCD_LENGTH]);
    if (r && leadsToCentralDirectory(r, yield [r.cdOffset, 4])) leading.push(r);
  }
  if (leading.length) throw secondEndRecord(origin, chosen, leading);
  const resolved = withZip64(chosen, chosen.zip64At === null ? null : yield [chosen.zip64At, ZIP64_EOCD_LENGTH]);
  if (!resolved) throw corrupt(origin, 'the zip64 end record is missing');
  return resolved;
}

export function runSteps<T>(steps: Generator<Range, T, Uint8Array>, bytes: (range: Range) => Uint8Array): T {
  for (let step = steps.next(); ;) {
    if (step.done) return step.value;
    step = steps.next(bytes(step.value));
  }
}

export async function runStepsAsync<T>(steps: Generator<Range, T, Uint8Array>, bytes: (range: Range) => Promise<Uint8Array>): Promise<T> {
  for (let step = steps.next(); ;) {
    if (step.done) return step.value;
    step = steps.next(await bytes(step.value));
  }
}

// ---------------------------------------------------------------------------------------------
// The central directory.

/** Info-ZIP's Unicode Path extra field: tools that know it (7-Zip, Info-ZIP) show this name instead. */
const EXTRA_UNICODE_PATH = 0x7075;

/**
 * The zip index. `bytes` holds the archive from absolute offset `base` to its end: the whole file
 * (base 0), or just the tail from the central directory on (a large zip read lazily from a Blob).
 */
export function readCentralDirectory(bytes: Uint8Array, base: number, end: EndRecord, origin: string): CentralEntry[] {
  const { count, cdOffset } = end;
  const entries: CentralEntry[] = [];
  let o = cdOffset - base;
  if (o < 0) throw corrupt(origin, `the central directory offset ${cdOffset} lies before the bytes read (${base})`);
  for (let i = 0; i < count; i++) {
    if (o + CENTRAL_FIXED > bytes.length || u32(bytes, o) !== SIG_CENTRAL) {
      throw corrupt(origin, `central directory entry ${i + 1} of ${count} is missing at byte offset ${o}`);
    }
    const flags = u16(bytes, o + 8);
    const nameLength = u16(bytes, o + 28);
    const extraLength = u16(bytes, o + 30);
    const commentLength = u16(bytes, o + 32);
    const madeBy = u16(bytes, o + 4) >> 8;
    const externalAttrs = u32(bytes, o + 38);
    const rawName = bytes.subarray(o + CENTRAL_FIXED, o + CENTRAL_FIXED + nameLength);
    const name = decodeName(rawName, flags);
    let figures = { compressedSize: u32(bytes, o + 20), size: u32(bytes, o + 24), localOffset: u32(bytes, o + 42) };
    const extraEnd = o + CENTRAL_FIXED + nameLength + extraLength;
    for (const field of extraFields(bytes, o + CENTRAL_FIXED + nameLength, extraEnd)) {
      if (field.id === EXTRA_ZIP64) figures = withZip64Figures(bytes, field.at, figures);
      else if (field.id === EXTRA_UNICODE_PATH)
        refuseOtherUnicodeName(bytes.subarray(field.at, field.at + field.length), rawName, name, origin);
    }
    const { compressedSize, size, localOffset } = figures;
    const unixMode = madeBy === 3 ? externalAttrs >>> 16 : 0;
    entries.push({
      name,
      rawName,
      flags,
      method: u16(bytes, o + 10),
      crc: u32(bytes, o + 16),
      compressedSize,
      size,
      localOffset,
      isDirectory: name.endsWith('/') || name.endsWith('\\') || (unixMode & 0o170000) === 0o040000 || (externalAttrs & 0x10) !== 0,
      isSymlink: (unixMode & 0o170000) === 0o120000,
    });
    o = extraEnd + commentLength;
  }
  return entries;
}

/** A Unicode Path field applies (version 1, CRC of the header name) and names another file: two names for one entry. */
function refuseOtherUnicodeName(field: Uint8Array, rawName: Uint8Array, name: string, origin: string): void {
  if (field.length < 5 || field[0] !== 1 || u32(field, 1) !== crc32(rawName)) return; // stale or unknown: every tool ignores it
  const unicodeName = utf8.decode(field.subarray(5));
  if (unicodeName !== name) {
    throw ambiguous(
      origin,
      `entry "${printable(name)}" also carries the name "${printable(unicodeName)}" in a Unicode Path extra field, which tools such as 7-Zip and Info-ZIP unzip show instead`,
    );
  }
}

function refuseEncrypted(central: CentralEntry[], origin: string): void {
  const encrypted = central.filter((c) => (c.flags & 1) !== 0 || c.method === 99);
  if (encrypted.length > 0) {
    const names = encrypted
      .slice(0, 5)
      .map((c) => `"${c.name}"`)
      .join(', ');
    throw new EnvelopeError(
      'encrypted-zip',
      `${origin} is password-protected (zip encryption on ${encrypted.length} entr${encrypted.length === 1 ? 'y' : 'ies'}, e.g. ${names}). JMIX envelopes carry their own encryption; unzip it with its password and drop the folder instead.`,
    );
  }
}

/** A Deflate stream that inflates to nothing takes 2 bytes (03 00); more than that can hold data. */
const EMPTY_DEFLATE_BYTES = 2;

function carriesData(entry: CentralEntry): boolean {
  return entry.size > 0 || entry.compressedSize > (entry.method === 8 ? EMPTY_DEFLATE_BYTES : 0);
}

/**
 * Checks on the index as a whole, before any entry is read: encryption, folders with data, safe
 * names, the unpack limits (declared sizes, so a bomb is refused before anything is inflated,
 * whatever order the entries come in), and name twins. Returns each file's normalised path.
 */
export function vetCentralDirectory(central: CentralEntry[], origin: string): Map<CentralEntry, string> {
  refuseEncrypted(central, origin);
  for (const entry of central) {
    if (entry.isDirectory && carriesData(entry))
      throw directoryWithDataError(origin, entry.name, Math.max(entry.size, entry.compressedSize));
  }
  const budget = new UnpackBudget(origin);
  const paths = new Map<CentralEntry, string>();
  for (const entry of central) {
    if (entry.isDirectory || entry.isSymlink) continue;
    const path = requireSafePath(entry.name, origin);
    budget.entry(path, entry.size, entry.compressedSize);
    paths.set(entry, path);
  }
  refuseNameConflicts(
    central.map((c) => ({ name: c.name, kind: c.isDirectory ? 'folder' : 'file' })),
    origin,
  );
  return paths;
}
