// Zip reading. We walk the central directory ourselves (fflate's unzipSync neither checks CRCs
// nor reports encryption flags) and use fflate only to inflate, after checking the declared
// sizes against the limits, so nothing is inflated that we would refuse.
// A zip must have one reading (issue 11): other tools must not be able to list other files or
// unpack other bytes from it. So a second end record that leads to an index, local headers that
// disagree with the index, overlapping entries or bytes hidden between them, folder entries with
// data and name twins are refused (EnvelopeError 'ambiguous-archive'), in memory and from a Blob.
// The index is read in zip-index.ts, the local headers checked in zip-local.ts.
import { inflateSync } from 'fflate';
import type { EntryFile, Problem } from '../types.ts';
import { printable } from '../paths.ts';
import { crc32 } from './crc32.ts';
import { corrupt, hex32, type CentralEntry } from './zip-format.ts';
import {
  chooseEndRecord,
  EOCD_LENGTH,
  MAX_COMMENT,
  readCentralDirectory,
  runSteps,
  runStepsAsync,
  vetCentralDirectory,
  ZIP64_EOCD_LENGTH,
  type Range,
} from './zip-index.ts';
import { checkLocalHeader, checkLocalHeadersBlob, refuseOverlapsAndHiddenBytes, type EntrySpan } from './zip-local.ts';

export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
  );
}

const METHOD_NAMES: Record<number, string> = { 9: 'Deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'XZ', 98: 'PPMd' };

/**
 * The entries both readers unpack, with their paths and where their data ends. Folders are left
 * out quietly; links and compression methods we cannot unpack are reported in `problems`.
 */
function unpackableEntries(
  central: CentralEntry[],
  paths: Map<CentralEntry, string>,
  spans: Map<CentralEntry, EntrySpan>,
  origin: string,
  problems: Problem[],
): { entry: CentralEntry; path: string; dataEnd: number }[] {
  const out: { entry: CentralEntry; path: string; dataEnd: number }[] = [];
  for (const entry of central) {
    if (entry.isDirectory) continue;
    if (entry.isSymlink) {
      problems.push({
        severity: 'warning',
        file: origin,
        pointer: '',
        message: `${origin}: entry "${printable(entry.name)}" is a symbolic link; links are never followed, so it was skipped.`,
      });
      continue;
    }
    const path = paths.get(entry)!;
    if (entry.method !== 0 && entry.method !== 8) {
      const methodName = METHOD_NAMES[entry.method] ?? `method ${entry.method}`;
      problems.push({
        severity: 'error',
        file: origin,
        pointer: '',
        message: `${origin}: entry "${path}" uses ${methodName} compression, which this viewer cannot unpack; it was skipped. Re-create the zip with standard (Deflate) compression.`,
      });
      continue;
    }
    out.push({ entry, path, dataEnd: spans.get(entry)!.end });
  }
  return out;
}

export function readZip(bytes: Uint8Array, origin: string): { files: EntryFile[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const files: EntryFile[] = [];
  const end = runSteps(chooseEndRecord(bytes, 0, origin), ([start, length]) => bytes.subarray(start, start + length));
  const central = readCentralDirectory(bytes, 0, end, origin);
  const paths = vetCentralDirectory(central, origin);
  const spans = new Map<CentralEntry, EntrySpan>();
  for (const entry of central) spans.set(entry, checkLocalHeader(bytes.subarray(entry.localOffset), entry, bytes.length, origin));
  refuseOverlapsAndHiddenBytes([...spans.values()], end.cdOffset, origin);

  for (const { entry, path, dataEnd } of unpackableEntries(central, paths, spans, origin, problems)) {
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
        problems.push({
          severity: 'error',
          file: origin,
          pointer: '',
          message: `${origin}: entry "${path}" could not be decompressed (${reason}); its data is damaged, so it was skipped.`,
        });
        continue;
      }
    }
    if (data.length !== entry.size) {
      problems.push({
        severity: 'error',
        file: origin,
        pointer: '',
        message: `${origin}: entry "${path}" unpacked to ${data.length} bytes but the zip declares ${entry.size}; its data is damaged.`,
      });
    } else {
      const actual = crc32(data);
      if (actual !== entry.crc) {
        problems.push({
          severity: 'error',
          file: origin,
          pointer: '',
          message: `${origin}: entry "${path}" fails its CRC check (stored ${hex32(entry.crc)}, computed ${hex32(actual)}); its data is damaged.`,
        });
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
  const fromTail = ([start, length]: Range) =>
    start >= tailStart ? Promise.resolve(tail.subarray(start - tailStart, start - tailStart + length)) : read(start, start + length);
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
  for (const { entry, path, dataEnd } of unpackableEntries(central, paths, spans, origin, problems)) {
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
