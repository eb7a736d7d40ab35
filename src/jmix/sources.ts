// The carrier layer: turn whatever the user dropped (a folder, or the bytes of a .zip, .tar or
// .tar.gz) into a flat list of safe, normalised EntryFiles.
import { EnvelopeError, throwIfAborted } from './api.ts';
import type { CarrierKind, EntryFile, EnvelopeSource, Problem } from './types.ts';
import { UnpackBudget } from './limits.ts';
import { printable, requireSafePath } from './paths.ts';
import { gunzipLimited, isGzip } from './archive/gzip.ts';
import { readTar } from './archive/tar.ts';
import { isValidTarHeader, type TarEntry } from './archive/tar-header.ts';
import { isZip, LAZY_ZIP_BYTES, readZip, readZipBlob } from './archive/zip.ts';
import { entriesAmbiguity, refuseNameConflicts } from './archive/names.ts';
import { append } from '../common/arrays.ts';

export interface SourceContents {
  kind: CarrierKind;
  name: string;
  files: EntryFile[];
  problems: Problem[];
}

export function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  const magic = String.fromCharCode(...bytes.subarray(257, 262));
  return magic === 'ustar' || isValidTarHeader(bytes.subarray(0, 512));
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** "starts with %PDF (a PDF document)" and similar, for the not-an-archive message. */
export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'is empty (0 bytes)';
  const head = ascii(bytes, 0, 8);
  const known: [boolean, string][] = [
    [head.startsWith('%PDF'), 'starts with %PDF (a PDF document)'],
    [bytes.length > 132 && ascii(bytes, 128, 4) === 'DICM', 'has DICM at byte 128 (a single DICOM file)'],
    [head.startsWith('\x89PNG'), 'starts with \\x89PNG (a PNG image)'],
    [bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff, 'starts with FF D8 FF (a JPEG image)'],
    [head.startsWith('Rar!'), 'starts with Rar! (a RAR archive, which is not supported)'],
    [
      bytes[0] === 0x37 && bytes[1] === 0x7a && bytes[2] === 0xbc && bytes[3] === 0xaf,
      'starts with 7z (a 7-Zip archive, which is not supported)',
    ],
    [head.startsWith('BZh'), 'starts with BZh (bzip2-compressed; only gzip is supported)'],
    [bytes[0] === 0xfd && ascii(bytes, 1, 4) === '7zXZ', 'starts with \\xFD7zXZ (xz-compressed; only gzip is supported)'],
    [
      bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd,
      'starts with 28 B5 2F FD (zstd-compressed; only gzip is supported)',
    ],
    [head.trimStart().startsWith('{'), 'starts with { (a JSON file, perhaps a lone manifest.json)'],
    [/^\s*</.test(head), 'starts with < (an HTML/XML page, perhaps an error page instead of the download)'],
  ];
  const hit = known.find(([match]) => match);
  if (hit) return hit[1];
  const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  const text = printable(ascii(bytes, 0, 8)).replace(/[\u0080-\u00ff]/g, '.');
  return `starts with the bytes ${hex} ("${text}"), which is not a known archive format`;
}

function notAnArchive(name: string, bytes: Uint8Array, detail?: string): EnvelopeError {
  return new EnvelopeError(
    'not-an-archive',
    `"${name}" is not a zip or tar archive: it ${detail ?? describeStart(bytes)}. Drop the envelope folder (the one holding manifest.json), or its .zip / .tar.gz.`,
  );
}

function duplicateProblems(files: EntryFile[], origin: string): Problem[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const f of files) (seen.has(f.path) ? dupes : seen).add(f.path);
  return [...dupes].map((path) => ({
    severity: 'error' as const,
    file: origin,
    pointer: '',
    message: `${origin}: "${path}" appears more than once; only the first copy is used. Duplicates make it ambiguous which bytes were signed and hashed.`,
  }));
}

function firstOfEach(files: EntryFile[]): EntryFile[] {
  const seen = new Set<string>();
  return files.filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)));
}

/** Folder entries with data and name twins: refused before any entry is used (see archive/names.ts). */
function refuseAmbiguousTarEntries(entries: TarEntry[], origin: string): void {
  const ambiguity = entriesAmbiguity(entries, origin);
  if (ambiguity) throw new EnvelopeError('ambiguous-archive', ambiguity);
}

function tarEntriesToFiles(entries: TarEntry[], origin: string, problems: Problem[]): EntryFile[] {
  const budget = new UnpackBudget(origin);
  const files: EntryFile[] = [];
  for (const entry of entries) {
    // Unsafe names first: a zip-slip name is refused as such, even when it also has a twin.
    if (entry.type === 'file') requireSafePath(entry.name, origin);
  }
  refuseAmbiguousTarEntries(entries, origin);
  for (const entry of entries) {
    if (entry.type === 'directory') continue;
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      problems.push({
        severity: 'warning',
        file: origin,
        pointer: '',
        message: `${origin}: entry "${printable(entry.name)}" is a ${entry.type === 'symlink' ? 'symbolic' : 'hard'} link to "${printable(entry.linkName ?? '')}"; links are never followed, so it was skipped.`,
      });
      continue;
    }
    if (entry.type === 'other') {
      problems.push({
        severity: 'warning',
        file: origin,
        pointer: '',
        message: `${origin}: entry "${printable(entry.name)}" is not a regular file (device, FIFO or an unknown tar type); it was skipped.`,
      });
      continue;
    }
    const path = requireSafePath(entry.name, origin);
    budget.entry(path, entry.size);
    const data = entry.data;
    files.push({ path, size: data.length, origin, bytes: async () => data });
  }
  return files;
}

function readTarCarrier(tarBytes: Uint8Array, origin: string, problems: Problem[]): EntryFile[] {
  const tar = readTar(tarBytes, origin);
  append(problems, tar.problems);
  return tarEntriesToFiles(tar.entries, origin, problems);
}

export async function readSource(source: EnvelopeSource, signal?: AbortSignal, lazyZipAbove = LAZY_ZIP_BYTES): Promise<SourceContents> {
  throwIfAborted(signal);
  const problems: Problem[] = [];
  if (source.kind === 'files') {
    const name = source.name ?? 'folder';
    const budget = new UnpackBudget(name);
    const files = source.files.map((f) => {
      const path = requireSafePath(f.path, f.origin || name);
      budget.entry(path, f.size);
      return path === f.path ? f : { ...f, path };
    });
    // A crafted file list (or a folder copied from a case-sensitive disk) can hold name twins too.
    refuseNameConflicts(
      source.files.map((f) => ({ name: f.path, kind: 'file' })),
      name,
    );
    append(problems, duplicateProblems(files, name));
    return { kind: 'folder', name, files: firstOfEach(files), problems };
  }

  if (source.kind === 'blob') {
    const { blob, name } = source;
    const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
    if (blob.size >= lazyZipAbove && isZip(head)) {
      const zip = await readZipBlob(blob, `zip:${name}`);
      append(problems, zip.problems);
      append(problems, duplicateProblems(zip.files, `zip:${name}`));
      return { kind: 'zip', name, files: firstOfEach(zip.files), problems };
    }
    // Small archives (and tar, which has no index to read lazily) are read whole.
    return readSource({ kind: 'bytes', bytes: new Uint8Array(await blob.arrayBuffer()), name }, signal);
  }
  const { bytes, name } = source;
  let kind: CarrierKind;
  let files: EntryFile[];
  if (isZip(bytes)) {
    kind = 'zip';
    const zip = readZip(bytes, `zip:${name}`);
    append(problems, zip.problems);
    files = zip.files;
  } else if (isGzip(bytes)) {
    kind = 'tar.gz';
    const origin = `tar:${name}`;
    const gunzipped = gunzipLimited(bytes, origin);
    append(problems, gunzipped.problems);
    throwIfAborted(signal);
    if (!isTar(gunzipped.data)) {
      throw notAnArchive(name, bytes, `is gzip-compressed, but what is inside is not a tar archive (it ${describeStart(gunzipped.data)})`);
    }
    files = readTarCarrier(gunzipped.data, origin, problems);
  } else if (isTar(bytes)) {
    kind = 'tar';
    files = readTarCarrier(bytes, `tar:${name}`, problems);
  } else {
    throw notAnArchive(name, bytes);
  }
  throwIfAborted(signal);
  const origin = kind === 'zip' ? `zip:${name}` : `tar:${name}`;
  append(problems, duplicateProblems(files, origin));
  return { kind, name, files: firstOfEach(files), problems };
}

/** EntryFiles over in-memory bytes (tests, scripts, already-read folders). */
export function filesFromMap(map: Record<string, Uint8Array>, origin = 'folder'): EntryFile[] {
  return Object.entries(map).map(([path, data]) => ({ path, size: data.length, origin, bytes: async () => data }));
}

/** An EntryFile over a Blob/File from a folder drop; read once, on first use. */
export function fileFromBlob(path: string, blob: Blob, origin = 'folder'): EntryFile {
  let cached: Promise<Uint8Array> | null = null;
  return {
    path,
    size: blob.size,
    origin,
    blob,
    bytes: () => {
      cached ??= blob.arrayBuffer().then((buffer) => {
        if (buffer.byteLength !== blob.size) {
          throw new EnvelopeError(
            'read-failed',
            `${origin}: "${path}" changed while it was being read (expected ${blob.size} bytes, got ${buffer.byteLength}). Close whatever is writing to it and try again.`,
          );
        }
        return new Uint8Array(buffer);
      });
      cached.catch(() => {
        cached = null; // let a later call try again
      });
      return cached;
    },
  };
}
