// Zip reading. We walk the central directory ourselves (fflate's unzipSync neither checks CRCs
// nor reports encryption flags) and use fflate only to inflate, after checking the declared
// sizes against the limits, so nothing is inflated that we would refuse.
// A zip must have one reading (issue 11): other tools must not be able to list other files or
// unpack other bytes from it. So a second end record that leads to an index, local headers that
// disagree with the index, overlapping entries or bytes hidden between them, folder entries with
// data and name twins are refused (EnvelopeError 'ambiguous-archive'), in memory and from a Blob.
import { inflateSync, zipSync, type Zippable } from 'fflate';
import { EnvelopeError } from '../api.ts';
import type { EntryFile, Problem } from '../types.ts';
import { UnpackBudget } from '../limits.ts';
import { printable, requireSafePath } from '../paths.ts';
import { crc32 } from './crc32.ts';
import { directoryWithDataError, refuseNameConflicts } from './names.ts';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;

const utf8 = new TextDecoder('utf-8');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 2 ** 32;
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

interface CentralEntry {
  name: string;
  /** The name's bytes as stored, to compare with the local header's. */
  rawName: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

function corrupt(origin: string, what: string): EnvelopeError {
  return new EnvelopeError('corrupt-archive', `${origin}: ${what}. The zip is damaged or truncated; download or create it again.`);
}

/** The zip can be read more than one way: which bytes a tool shows depends on the tool. */
function ambiguous(origin: string, what: string): EnvelopeError {
  return new EnvelopeError(
    'ambiguous-archive',
    `${origin}: ${what}. Different zip tools would read different files or bytes from it, so what is shown could differ from what was checked. Refusing to open it: ask the sender for the zip made again.`,
  );
}

function decodeName(raw: Uint8Array, flags: number): string {
  if (flags & 0x800) return utf8.decode(raw);
  try {
    return utf8Strict.decode(raw); // Info-ZIP on Linux/macOS writes UTF-8 without the flag
  } catch {
    return latin1.decode(raw);
  }
}

const hex32 = (n: number) => n.toString(16).padStart(8, '0');

// ---------------------------------------------------------------------------------------------
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

interface EndRecord {
  /** Absolute offset of the PK\x05\x06 signature. */
  at: number;
  count: number;
  cdSize: number;
  cdOffset: number;
  /** Absolute offset of the zip64 end record, when a zip64 locator precedes this record. */
  zip64At: number | null;
}

const EOCD_LENGTH = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_EOCD_LENGTH = 56;
const CENTRAL_FIXED = 46;

/** Every end record in the window zip tools search, the last one first. `tail` starts at absolute offset `base`. */
function endRecordsIn(tail: Uint8Array, base: number): EndRecord[] {
  const out: EndRecord[] = [];
  const lowest = Math.max(0, tail.length - EOCD_LENGTH - MAX_COMMENT);
  for (let e = tail.length - EOCD_LENGTH; e >= lowest; e--) {
    if (u32(tail, e) !== SIG_EOCD) continue;
    const zip64 = e >= 20 && u32(tail, e - 20) === SIG_ZIP64_LOCATOR;
    out.push({ at: base + e, count: u16(tail, e + 10), cdSize: u32(tail, e + 12), cdOffset: u32(tail, e + 16), zip64At: zip64 ? u64(tail, e - 12) : null });
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
type Range = [start: number, length: number];

/**
 * The end record to use (zip64 figures applied), after refusing a second one that leads to an
 * index. Written as steps that ask for the bytes they need (yield a range, get its bytes, fewer at
 * the end of the archive), so the same logic reads a buffer in memory and a Blob.
 */
function* chooseEndRecord(tail: Uint8Array, base: number, origin: string): Generator<Range, EndRecord, Uint8Array> {
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

function runSteps<T>(steps: Generator<Range, T, Uint8Array>, bytes: (range: Range) => Uint8Array): T {
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    step = steps.next(bytes(step.value));
  }
}

async function runStepsAsync<T>(steps: Generator<Range, T, Uint8Array>, bytes: (range: Range) => Promise<Uint8Array>): Promise<T> {
  for (let step = steps.next(); ; ) {
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
function readCentralDirectory(bytes: Uint8Array, base: number, end: EndRecord, origin: string): CentralEntry[] {
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
    let compressedSize = u32(bytes, o + 20);
    let size = u32(bytes, o + 24);
    let localOffset = u32(bytes, o + 42);
    // zip64 extra field: only the fields that overflowed are present, in this order.
    let e = o + CENTRAL_FIXED + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = u16(bytes, e);
      const len = u16(bytes, e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (size === 0xffffffff) (size = u64(bytes, f)), (f += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(bytes, f)), (f += 8);
        if (localOffset === 0xffffffff) localOffset = u64(bytes, f);
      } else if (id === EXTRA_UNICODE_PATH) {
        refuseOtherUnicodeName(bytes.subarray(e + 4, e + 4 + len), rawName, name, origin);
      }
      e += 4 + len;
    }
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
    throw ambiguous(origin, `entry "${printable(name)}" also carries the name "${printable(unicodeName)}" in a Unicode Path extra field, which tools such as 7-Zip and Info-ZIP unzip show instead`);
  }
}

function refuseEncrypted(central: CentralEntry[], origin: string): void {
  const encrypted = central.filter((c) => (c.flags & 1) !== 0 || c.method === 99);
  if (encrypted.length > 0) {
    const names = encrypted.slice(0, 5).map((c) => `"${c.name}"`).join(', ');
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
function vetCentralDirectory(central: CentralEntry[], origin: string): Map<CentralEntry, string> {
  refuseEncrypted(central, origin);
  for (const entry of central) {
    if (entry.isDirectory && carriesData(entry)) throw directoryWithDataError(origin, entry.name, Math.max(entry.size, entry.compressedSize));
  }
  const budget = new UnpackBudget(origin);
  const paths = new Map<CentralEntry, string>();
  for (const entry of central) {
    if (entry.isDirectory || entry.isSymlink) continue;
    const path = requireSafePath(entry.name, origin);
    budget.entry(path, entry.size, entry.compressedSize);
    paths.set(entry, path);
  }
  refuseNameConflicts(central.map((c) => ({ name: c.name, kind: c.isDirectory ? 'folder' : 'file' })), origin);
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Local headers. Each entry is described twice: in the central directory (what this reader, and
// most tools, go by) and in the local header in front of its data (what streaming unzippers and
// repair tools go by). When the two disagree, the tools unpack different files or bytes.

const LOCAL_FIXED = 30;
/** Bytes read past the name for the local extra field (zip64 sizes, timestamps); more is read again. */
const LOCAL_EXTRA_GUESS = 64;
/** General-purpose flags that change how an entry is read: bit 0 encrypted, bit 3 sizes after the data. */
const READING_FLAGS = 0x0001 | 0x0008;

/** The local header's full length (fixed part, name and extra field), or null when there is no local header at the start of `local`. */
function localHeaderLength(local: Uint8Array): number | null {
  if (local.length < LOCAL_FIXED || u32(local, 0) !== SIG_LOCAL) return null;
  return LOCAL_FIXED + u16(local, 26) + u16(local, 28);
}

/** What the local header says that the central directory also says, as "field: local vs central" phrases. */
function localDisagreements(local: Uint8Array, entry: CentralEntry): string[] {
  const flags = u16(local, 6);
  const nameLength = u16(local, 26);
  const name = local.subarray(LOCAL_FIXED, LOCAL_FIXED + nameLength);
  const out: string[] = [];
  if (!sameBytes(name, entry.rawName)) out.push(`the local header names it "${printable(decodeName(name, flags))}"`);
  const method = u16(local, 8);
  if (method !== entry.method) out.push(`compression method ${method} in the local header, ${entry.method} in the index`);
  if ((flags & READING_FLAGS) !== (entry.flags & READING_FLAGS)) out.push(`flags ${flags & READING_FLAGS} (encryption, data descriptor) in the local header, ${entry.flags & READING_FLAGS} in the index`);
  // With a data descriptor (flag bit 3) the local header leaves CRC and sizes out (zero).
  if ((flags & 0x0008) === 0) {
    const sizes = localSizes(local, nameLength);
    const crc = u32(local, 14);
    if (crc !== entry.crc) out.push(`CRC ${hex32(crc)} in the local header, ${hex32(entry.crc)} in the index`);
    if (sizes.compressedSize !== entry.compressedSize) out.push(`${sizes.compressedSize} stored bytes in the local header, ${entry.compressedSize} in the index`);
    if (sizes.size !== entry.size) out.push(`${sizes.size} bytes unpacked in the local header, ${entry.size} in the index`);
  }
  return out;
}

/** Sizes from a local header, from its zip64 extra field where the 32-bit fields overflowed. */
function localSizes(local: Uint8Array, nameLength: number): { size: number; compressedSize: number } {
  let compressedSize = u32(local, 18);
  let size = u32(local, 22);
  let e = LOCAL_FIXED + nameLength;
  const extraEnd = e + u16(local, 28);
  while (e + 4 <= extraEnd) {
    const id = u16(local, e);
    const len = u16(local, e + 2);
    if (id === 0x0001) {
      let f = e + 4;
      if (size === 0xffffffff) (size = u64(local, f)), (f += 8);
      if (compressedSize === 0xffffffff) compressedSize = u64(local, f);
    }
    e += 4 + len;
  }
  return { size, compressedSize };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Where one entry lies in the archive: its local header up to the end of its data. */
interface EntrySpan {
  name: string;
  start: number;
  end: number;
}

/**
 * Checks an entry's local header (`local`: its bytes from the header on, at least the whole
 * header when the archive holds it) against the central directory, and that its data lies inside
 * the archive of `archiveSize` bytes. Returns where the entry lies.
 */
function checkLocalHeader(local: Uint8Array, entry: CentralEntry, archiveSize: number, origin: string): EntrySpan {
  const headerLength = localHeaderLength(local);
  const lo = entry.localOffset;
  if (headerLength === null) throw corrupt(origin, `entry "${printable(entry.name)}": its local header at byte offset ${lo} is missing`);
  if (local.length < headerLength) throw corrupt(origin, `entry "${printable(entry.name)}": its local header at byte offset ${lo} is cut off`);
  const disagreements = localDisagreements(local, entry);
  if (disagreements.length) {
    throw ambiguous(origin, `entry "${printable(entry.name)}" is described one way by its local header (at byte offset ${lo}) and another by the central directory (the zip index): ${disagreements.join('; ')}. Streaming unzippers and repair tools go by the local header`);
  }
  const start = lo + headerLength;
  const end = start + entry.compressedSize;
  if (end > archiveSize) {
    throw corrupt(origin, `entry "${printable(entry.name)}" needs ${entry.compressedSize} bytes at offset ${start} but the file ends ${end - archiveSize} bytes short`);
  }
  return { name: entry.name, start: lo, end };
}

/**
 * The entries, in file order, must follow one another up to the central directory: no entry may
 * overlap another (a zip-bomb and file-hiding trick), and no stretch between them may be large
 * enough to hold a local header the index does not list (a streaming unzipper would find that
 * entry; this reader would not). Smaller stretches are data descriptors (12 to 24 bytes).
 */
function refuseOverlapsAndHiddenBytes(spans: EntrySpan[], cdStart: number, origin: string): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let previous: EntrySpan | null = null;
  const between = (next: string) => (previous ? `between entry "${printable(previous.name)}" and ${next}` : `before ${next}`);
  for (const span of sorted) {
    if (previous && span.start === previous.start) continue; // one local entry listed twice: a duplicate, reported as such
    const covered = previous?.end ?? 0;
    if (span.start < covered) {
      throw ambiguous(origin, `entries "${printable(previous!.name)}" and "${printable(span.name)}" overlap: the local header of "${printable(span.name)}" at byte offset ${span.start} lies inside the data of "${printable(previous!.name)}", which ends at ${covered}`);
    }
    if (span.start - covered >= LOCAL_FIXED) {
      throw ambiguous(origin, `${span.start - covered} bytes at byte offset ${covered}, ${between(`entry "${printable(span.name)}"`)}, belong to no entry of the central directory; a tool reading the zip from its start could find entries there that the index does not list`);
    }
    previous = span;
  }
  const covered = previous?.end ?? 0;
  if (cdStart < covered) throw ambiguous(origin, `the data of entry "${printable(previous!.name)}" runs into the central directory at byte offset ${cdStart}`);
  if (cdStart - covered >= LOCAL_FIXED) {
    throw ambiguous(origin, `${cdStart - covered} bytes at byte offset ${covered}, ${between('the central directory')}, belong to no entry of the central directory; a tool reading the zip from its start could find entries there that the index does not list`);
  }
}

const METHOD_NAMES: Record<number, string> = { 9: 'Deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'XZ', 98: 'PPMd' };

export function readZip(bytes: Uint8Array, origin: string): { files: EntryFile[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const files: EntryFile[] = [];
  const end = runSteps(chooseEndRecord(bytes, 0, origin), ([start, length]) => bytes.subarray(start, start + length));
  const central = readCentralDirectory(bytes, 0, end, origin);
  const paths = vetCentralDirectory(central, origin);
  const spans = new Map<CentralEntry, EntrySpan>();
  for (const entry of central) spans.set(entry, checkLocalHeader(bytes.subarray(entry.localOffset), entry, bytes.length, origin));
  refuseOverlapsAndHiddenBytes([...spans.values()], end.cdOffset, origin);

  for (const entry of central) {
    if (entry.isDirectory) continue;
    if (entry.isSymlink) {
      problems.push({ severity: 'warning', file: origin, pointer: '', message: `${origin}: entry "${printable(entry.name)}" is a symbolic link; links are never followed, so it was skipped.` });
      continue;
    }
    const path = paths.get(entry)!;
    if (entry.method !== 0 && entry.method !== 8) {
      const methodName = METHOD_NAMES[entry.method] ?? `method ${entry.method}`;
      problems.push({ severity: 'error', file: origin, pointer: '', message: `${origin}: entry "${path}" uses ${methodName} compression, which this viewer cannot unpack; it was skipped. Re-create the zip with standard (Deflate) compression.` });
      continue;
    }
    const { end: dataEnd } = spans.get(entry)!;
    const stored = bytes.subarray(dataEnd - entry.compressedSize, dataEnd);
    let data: Uint8Array;
    if (entry.method === 0) {
      data = stored;
    } else {
      try {
        // A fixed output buffer of the declared size: a lying entry cannot grow past it.
        data = inflateSync(stored, { out: new Uint8Array(entry.size) });
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        problems.push({ severity: 'error', file: origin, pointer: '', message: `${origin}: entry "${path}" could not be decompressed (${reason}); its data is damaged, so it was skipped.` });
        continue;
      }
    }
    if (data.length !== entry.size) {
      problems.push({ severity: 'error', file: origin, pointer: '', message: `${origin}: entry "${path}" unpacked to ${data.length} bytes but the zip declares ${entry.size}; its data is damaged.` });
    } else {
      const actual = crc32(data);
      if (actual !== entry.crc) {
        problems.push({ severity: 'error', file: origin, pointer: '', message: `${origin}: entry "${path}" fails its CRC check (stored ${hex32(entry.crc)}, computed ${hex32(actual)}); its data is damaged.` });
      }
    }
    const bytesOfEntry = data;
    files.push({ path, size: data.length, origin, bytes: async () => bytesOfEntry });
  }
  return { files, problems };
}

/** Zips at least this big are read lazily from their Blob: entries are read (and inflated) on use. */
export const LAZY_ZIP_BYTES = 256 * 1024 * 1024;

/**
 * Raw Deflate, natively where the platform has DecompressionStream (browsers, Node 18+): fflate's
 * inflate runs at 62–91 MB/s in Chromium, which made a 1 GiB deflated payload take 13 s to unpack.
 * The output may not exceed `size` (the central directory's figure, already within our limits).
 */
async function inflateRaw(data: Uint8Array, size: number): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined' || size < NATIVE_INFLATE_MIN) return inflateSync(data, { out: new Uint8Array(size) });
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {}); // failures surface on the reading side
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const out = new Uint8Array(size);
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > size) {
      await reader.cancel().catch(() => {});
      throw new Error(`it inflates to more than the ${size} bytes its header declares`);
    }
    out.set(value, at);
    at += value.length;
  }
  return at === size ? out : out.subarray(0, at);
}

/** Below this, fflate in-thread is quicker than setting up a stream. */
const NATIVE_INFLATE_MIN = 64 * 1024;

/**
 * A large zip as a Blob: only the index is read up front; each entry reads its own bytes when asked.
 * Stored entries expose a zero-copy Blob slice (a 1 GiB payload.encrypted is streamed, never held).
 * A CRC mismatch is found when the entry is read, and is then an error rather than a problem.
 */
export async function readZipBlob(blob: Blob, origin: string): Promise<{ files: EntryFile[]; problems: Problem[] }> {
  const read = async (start: number, end: number) => new Uint8Array(await blob.slice(start, end).arrayBuffer());
  const tailStart = Math.max(0, blob.size - EOCD_LENGTH - MAX_COMMENT - 20 - ZIP64_EOCD_LENGTH);
  const tail = await read(tailStart, blob.size);
  const fromTail = ([start, length]: Range) => (start >= tailStart ? Promise.resolve(tail.subarray(start - tailStart, start - tailStart + length)) : read(start, start + length));
  const end = await runStepsAsync(chooseEndRecord(tail, tailStart, origin), fromTail);
  const cdStart = end.cdOffset;
  if (cdStart > blob.size) throw corrupt(origin, `the zip index points past the end of the file (offset ${cdStart})`);
  const index = cdStart >= tailStart ? tail.subarray(cdStart - tailStart) : await read(cdStart, blob.size);
  const central = readCentralDirectory(index, cdStart, end, origin);
  const paths = vetCentralDirectory(central, origin);
  const spans = await checkLocalHeadersBlob(central, read, blob.size, origin);
  refuseOverlapsAndHiddenBytes([...spans.values()], cdStart, origin);

  const problems: Problem[] = [];
  const files: EntryFile[] = [];
  for (const entry of central) {
    if (entry.isDirectory) continue;
    if (entry.isSymlink) {
      problems.push({ severity: 'warning', file: origin, pointer: '', message: `${origin}: entry "${printable(entry.name)}" is a symbolic link; links are never followed, so it was skipped.` });
      continue;
    }
    const path = paths.get(entry)!;
    if (entry.method !== 0 && entry.method !== 8) {
      problems.push({ severity: 'error', file: origin, pointer: '', message: `${origin}: entry "${path}" uses ${METHOD_NAMES[entry.method] ?? `method ${entry.method}`} compression, which this viewer cannot unpack; it was skipped. Re-create the zip with standard (Deflate) compression.` });
      continue;
    }
    const { end: dataEnd } = spans.get(entry)!;
    const slice = blob.slice(dataEnd - entry.compressedSize, dataEnd);
    let cached: Promise<Uint8Array> | null = null;
    const bytes = () =>
      (cached ??= slice.arrayBuffer().then(async (buf) => {
        const stored = new Uint8Array(buf);
        let data: Uint8Array;
        try {
          data = entry.method === 0 ? stored : await inflateRaw(stored, entry.size);
        } catch (e) {
          throw corrupt(origin, `entry "${path}" could not be decompressed (${e instanceof Error ? e.message : String(e)})`);
        }
        if (data.length !== entry.size || crc32(data) !== entry.crc) throw corrupt(origin, `entry "${path}" fails its size or CRC check`);
        return data;
      }));
    files.push({ path, size: entry.size, origin, bytes, ...(entry.method === 0 ? { blob: slice } : {}) });
  }
  return { files, problems };
}

/**
 * Every entry's local header, checked against the index as readZip does. Read many at once: one by
 * one, the Blob reads' round trips alone took 3 s for a 2,000-file zip. Each read takes the name
 * and a usual extra field; a header with a longer extra field is read again, whole.
 */
async function checkLocalHeadersBlob(central: CentralEntry[], read: (start: number, end: number) => Promise<Uint8Array>, size: number, origin: string): Promise<Map<CentralEntry, EntrySpan>> {
  const spans = new Map<CentralEntry, EntrySpan>();
  const localOf = async (entry: CentralEntry) => {
    const lo = entry.localOffset;
    const first = await read(lo, lo + LOCAL_FIXED + entry.rawName.length + LOCAL_EXTRA_GUESS);
    const length = localHeaderLength(first);
    return length !== null && first.length < length ? read(lo, lo + length) : first;
  };
  for (let i = 0; i < central.length; i += 64) {
    const batch = central.slice(i, i + 64);
    const locals = await Promise.all(batch.map(localOf));
    for (const [j, entry] of batch.entries()) spans.set(entry, checkLocalHeader(locals[j]!, entry, size, origin));
  }
  return spans;
}

/** A Deflate zip of the given files, directory entries implied (fixtures, "Save decrypted study"). */
export function writeZip(files: { name: string; data: Uint8Array; level?: number }[], opts?: { level?: number }): Uint8Array {
  const tree: Zippable = {};
  for (const f of files) {
    if (f.name in tree) throw new Error(`writeZip: "${f.name}" is listed twice.`);
    // A per-file level (0 = stored) where compression would only cost time.
    tree[f.name] = f.level === undefined ? f.data : [f.data, { level: f.level as 0 }];
  }
  const level = (opts?.level ?? 6) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  // mtime fixed so the same files give the same zip bytes.
  return zipSync(tree, { level, mtime: new Date('2000-01-01T00:00:00Z') });
}
