// Zip reading. We walk the central directory ourselves (fflate's unzipSync neither checks CRCs
// nor reports encryption flags) and use fflate only to inflate, after checking the declared
// sizes against the limits, so nothing is inflated that we would refuse.
import { inflateSync, zipSync, type Zippable } from 'fflate';
import { EnvelopeError } from '../api.ts';
import type { EntryFile, Problem } from '../types.ts';
import { UnpackBudget } from '../limits.ts';
import { printable, requireSafePath } from '../paths.ts';
import { crc32 } from './crc32.ts';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;

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

function findEndOfCentralDirectory(bytes: Uint8Array, origin: string): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff); // the comment is at most 64 KiB
  for (let e = bytes.length - 22; e >= lowest; e--) {
    if (u32(bytes, e) === SIG_EOCD) return e;
  }
  throw corrupt(origin, 'no end-of-central-directory record (the zip index) was found at the end of the file');
}

/** Where the central directory starts (absolute offset), read from the end records in `tail`. */
function centralDirectoryOffset(tail: Uint8Array, base: number, origin: string): number {
  const eocd = findEndOfCentralDirectory(tail, origin);
  if (eocd >= 20 && u32(tail, eocd - 20) === SIG_ZIP64_LOCATOR) {
    const z64 = u64(tail, eocd - 12) - base;
    if (z64 < 0 || z64 + 56 > tail.length || u32(tail, z64) !== SIG_ZIP64_EOCD) throw corrupt(origin, 'the zip64 end record is missing');
    return u64(tail, z64 + 48);
  }
  return u32(tail, eocd + 16);
}

/**
 * The zip index. `bytes` holds the archive from absolute offset `base` to its end: the whole file
 * (base 0), or just the tail from the central directory on (a large zip read lazily from a Blob).
 */
function readCentralDirectory(bytes: Uint8Array, origin: string, base = 0): CentralEntry[] {
  const eocd = findEndOfCentralDirectory(bytes, origin);
  let count = u16(bytes, eocd + 10);
  let offset = u32(bytes, eocd + 16);
  if (eocd >= 20 && u32(bytes, eocd - 20) === SIG_ZIP64_LOCATOR) {
    const z64 = u64(bytes, eocd - 12) - base;
    if (z64 < 0 || z64 + 56 > bytes.length || u32(bytes, z64) !== SIG_ZIP64_EOCD) throw corrupt(origin, 'the zip64 end record is missing');
    count = u64(bytes, z64 + 32);
    offset = u64(bytes, z64 + 48);
  }
  const entries: CentralEntry[] = [];
  let o = offset - base;
  if (o < 0) throw corrupt(origin, `the central directory offset ${offset} lies before the bytes read (${base})`);
  for (let i = 0; i < count; i++) {
    if (o + 46 > bytes.length || u32(bytes, o) !== SIG_CENTRAL) {
      throw corrupt(origin, `central directory entry ${i + 1} of ${count} is missing at byte offset ${o}`);
    }
    const flags = u16(bytes, o + 8);
    const nameLength = u16(bytes, o + 28);
    const extraLength = u16(bytes, o + 30);
    const commentLength = u16(bytes, o + 32);
    const madeBy = u16(bytes, o + 4) >> 8;
    const externalAttrs = u32(bytes, o + 38);
    const rawName = bytes.subarray(o + 46, o + 46 + nameLength);
    let name: string;
    if (flags & 0x800) name = new TextDecoder('utf-8').decode(rawName);
    else {
      try {
        name = utf8Strict.decode(rawName); // Info-ZIP on Linux/macOS writes UTF-8 without the flag
      } catch {
        name = latin1.decode(rawName);
      }
    }
    let compressedSize = u32(bytes, o + 20);
    let size = u32(bytes, o + 24);
    let localOffset = u32(bytes, o + 42);
    // zip64 extra field: only the fields that overflowed are present, in this order.
    let e = o + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = u16(bytes, e);
      const len = u16(bytes, e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (size === 0xffffffff) (size = u64(bytes, f)), (f += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(bytes, f)), (f += 8);
        if (localOffset === 0xffffffff) localOffset = u64(bytes, f);
      }
      e += 4 + len;
    }
    const unixMode = madeBy === 3 ? externalAttrs >>> 16 : 0;
    entries.push({
      name,
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

const METHOD_NAMES: Record<number, string> = { 9: 'Deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'XZ', 98: 'PPMd' };

export function readZip(bytes: Uint8Array, origin: string): { files: EntryFile[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const files: EntryFile[] = [];
  const central = readCentralDirectory(bytes, origin);

  refuseEncrypted(central, origin);

  // Every declared size against the limits first, so a bomb (or a total over the limit) is refused
  // before anything is inflated, whatever order the entries come in.
  const budget = new UnpackBudget(origin);
  const paths = new Map<CentralEntry, string>();
  for (const entry of central) {
    if (entry.isDirectory || entry.isSymlink) continue;
    const path = requireSafePath(entry.name, origin);
    budget.entry(path, entry.size, entry.compressedSize);
    paths.set(entry, path);
  }
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
    const lo = entry.localOffset;
    if (lo + 30 > bytes.length || u32(bytes, lo) !== SIG_LOCAL) {
      throw corrupt(origin, `entry "${path}": its local header at byte offset ${lo} is missing`);
    }
    const start = lo + 30 + u16(bytes, lo + 26) + u16(bytes, lo + 28);
    const end = start + entry.compressedSize;
    if (end > bytes.length) {
      throw corrupt(origin, `entry "${path}" needs ${entry.compressedSize} bytes at offset ${start} but the file ends ${end - bytes.length} bytes short`);
    }
    const stored = bytes.subarray(start, end);
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
        problems.push({ severity: 'error', file: origin, pointer: '', message: `${origin}: entry "${path}" fails its CRC check (stored ${entry.crc.toString(16).padStart(8, '0')}, computed ${actual.toString(16).padStart(8, '0')}); its data is damaged.` });
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
  const tailStart = Math.max(0, blob.size - 22 - 0xffff - 20 - 56);
  const tail = await read(tailStart, blob.size);
  const cdStart = centralDirectoryOffset(tail, tailStart, origin);
  if (cdStart > blob.size) throw corrupt(origin, `the zip index points past the end of the file (offset ${cdStart})`);
  const index = cdStart >= tailStart ? tail.subarray(cdStart - tailStart) : await read(cdStart, blob.size);
  const central = readCentralDirectory(index, origin, cdStart);
  refuseEncrypted(central, origin);
  const budget = new UnpackBudget(origin);
  const problems: Problem[] = [];
  const files: EntryFile[] = [];
  // Limits and names first, before any entry is read.
  const wanted: { entry: (typeof central)[number]; path: string }[] = [];
  for (const entry of central) {
    if (entry.isDirectory) continue;
    if (entry.isSymlink) {
      problems.push({ severity: 'warning', file: origin, pointer: '', message: `${origin}: entry "${printable(entry.name)}" is a symbolic link; links are never followed, so it was skipped.` });
      continue;
    }
    const path = requireSafePath(entry.name, origin);
    budget.entry(path, entry.size, entry.compressedSize);
    if (entry.method !== 0 && entry.method !== 8) {
      problems.push({ severity: 'error', file: origin, pointer: '', message: `${origin}: entry "${path}" uses ${METHOD_NAMES[entry.method] ?? `method ${entry.method}`} compression, which this viewer cannot unpack; it was skipped. Re-create the zip with standard (Deflate) compression.` });
      continue;
    }
    wanted.push({ entry, path });
  }
  // Each entry's local header (its real data offset), many read at once: one by one, the Blob
  // reads' round trips alone took 3 s for a 2,000-file zip.
  const locals: Uint8Array[] = [];
  for (let i = 0; i < wanted.length; i += 64) {
    locals.push(...(await Promise.all(wanted.slice(i, i + 64).map(({ entry }) => read(entry.localOffset, entry.localOffset + 30)))));
  }
  for (const [i, { entry, path }] of wanted.entries()) {
    const local = locals[i]!;
    if (local.length < 30 || u32(local, 0) !== SIG_LOCAL) throw corrupt(origin, `entry "${path}": its local header at byte offset ${entry.localOffset} is missing`);
    const start = entry.localOffset + 30 + u16(local, 26) + u16(local, 28);
    const end = start + entry.compressedSize;
    if (end > blob.size) throw corrupt(origin, `entry "${path}" needs ${entry.compressedSize} bytes at offset ${start} but the file ends ${end - blob.size} bytes short`);
    const slice = blob.slice(start, end);
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
