// One name, one thing (issue 11): an archive must not hold two entries that some file system or
// tool treats as the same path while another keeps them apart. Such pairs are read differently by
// different tools, and a hash keyed by path may cover only one of them:
//   - name twins: equal once letter case is folded, Unicode is normalised (NFC/NFD, as macOS does)
//     or "\" is read as a folder separator (as Windows does): Manifest.json next to manifest.json;
//   - a file and a folder of one name: payload/dicom (a file) next to payload/dicom/ct/IM0001.dcm.
//     No file system can hold both, and jmix-php's recipe writes "dir:dicom" and "file:dicom:…"
//     lines under one key, so the file's line is lost and the hash would not cover it.
// Exact duplicates (the same name twice, also after "./" and "//" are tidied) are not twins: every
// tool agrees they are one path, and the carrier layer reports them and keeps the first copy.
import { EnvelopeError } from '../api.ts';
import { isIgnoredJunk, printable } from '../paths.ts';

export interface NamedEntry {
  /** The entry name as stored in the archive (or the dropped file's path), not normalised. */
  name: string;
  /** Links and devices occupy a name like files do. */
  kind: 'file' | 'folder';
}

export type NameConflict =
  | { reason: 'twin'; kind: 'file' | 'folder'; first: string; second: string; firstSpelling: string; secondSpelling: string }
  | { reason: 'file-and-folder'; file: string; folderEntry: string; spelling: string };

/**
 * The entry's path segments as written, each but the first with the separator in front of it
 * ("/" or "\"), empty and "." segments dropped: 'a\\b//./c/' → ['a', '\\b', '/c'].
 */
function spelledSegments(name: string): string[] {
  const out: string[] = [];
  let separator = '/';
  for (const token of name.split(/([\\/])/)) {
    if (token === '/' || token === '\\') separator = token;
    else if (token !== '' && token !== '.') out.push(out.length === 0 ? token : separator + token);
  }
  return out;
}

/** The path as the most lenient reading sees it (Windows, macOS): "\" as "/", NFC, letters folded to lower case. */
function foldedKey(spelling: string): string {
  return spelling.replace(/\\/g, '/').normalize('NFC').toLowerCase();
}

/**
 * The first pair of entries that tools would read as one path although they are spelled apart, or
 * a name used for both a file and a folder; null when there is none. Operating-system litter
 * (`__MACOSX/`, `.DS_Store`, …) is ignored by the reader anyway, so it is left out: two
 * `.DS_Store` files in different case must not refuse an envelope.
 */
export function findNameConflict(entries: Iterable<NamedEntry>): NameConflict | null {
  const seen = new Map<string, { spelling: string; kind: 'file' | 'folder'; entry: string }>();
  for (const entry of entries) {
    const segments = spelledSegments(entry.name);
    if (segments.length === 0 || isIgnoredJunk(segments.join('').replace(/\\/g, '/'))) continue;
    let spelling = '';
    for (const [i, segment] of segments.entries()) {
      spelling += segment;
      const kind = i < segments.length - 1 ? 'folder' : entry.kind;
      const key = foldedKey(spelling);
      const before = seen.get(key);
      if (!before) {
        seen.set(key, { spelling, kind, entry: entry.name });
        continue;
      }
      if (before.kind !== kind) {
        const [file, folderEntry] = kind === 'file' ? [entry.name, before.entry] : [before.entry, entry.name];
        return { reason: 'file-and-folder', file, folderEntry, spelling };
      }
      if (before.spelling !== spelling) {
        return { reason: 'twin', kind, first: before.entry, second: entry.name, firstSpelling: before.spelling, secondSpelling: spelling };
      }
      // Same spelling, same kind: one folder seen again, or an exact duplicate file.
    }
  }
  return null;
}

/** What makes two spellings one path, for the message. */
function twinDifference(a: string, b: string): string {
  const slashed = (s: string) => s.replace(/\\/g, '/');
  if (slashed(a) === slashed(b)) return 'one uses "\\" where the other uses "/" (Windows reads both as folder separators)';
  if (slashed(a).normalize('NFC') === slashed(b).normalize('NFC'))
    return 'they differ only in Unicode normalisation (NFC and NFD spell the same letters; macOS treats them as one name)';
  if (slashed(a).toLowerCase() === slashed(b).toLowerCase())
    return 'they differ only in letter case (Windows and macOS treat them as one name)';
  return 'they differ only in letter case, Unicode normalisation or separators';
}

export function nameConflictMessage(conflict: NameConflict, origin: string): string {
  if (conflict.reason === 'file-and-folder') {
    return (
      `${origin}: entry "${printable(conflict.file)}" is a file, but entry "${printable(conflict.folderEntry)}" uses the same name ("${printable(conflict.spelling)}") as a folder. ` +
      "No file system can hold both, and a payload hash that lists folders and files by path (jmix-php's dir:/file: lines) keeps only one line for that name, so the file would be shown without any check covering it. " +
      'Refusing to open it: ask the sender for an envelope without the stray entry.'
    );
  }
  const what = conflict.kind === 'folder' ? 'folders' : 'files';
  const named =
    conflict.kind === 'folder' ? ` (${what} "${printable(conflict.firstSpelling)}" and "${printable(conflict.secondSpelling)}")` : '';
  return (
    `${origin}: entries "${printable(conflict.first)}" and "${printable(conflict.second)}" name the same ${conflict.kind} on some systems but two ${what} on others${named}: ${twinDifference(conflict.firstSpelling, conflict.secondSpelling)}. ` +
    'Tools would disagree on which bytes are meant. Refusing to open it: ask the sender for an envelope in which every name is spelled one way.'
  );
}

/** Throws EnvelopeError('ambiguous-archive') naming both entries of the first conflict. */
export function refuseNameConflicts(entries: Iterable<NamedEntry>, origin: string): void {
  const conflict = findNameConflict(entries);
  if (conflict) throw new EnvelopeError('ambiguous-archive', nameConflictMessage(conflict, origin));
}

/**
 * A folder entry that carries data is a folder and a file at once: this viewer skips it as a
 * folder, while a tool that goes by the data (or ignores the folder flag) extracts a file nobody
 * checked. Refused in every carrier.
 */
export function directoryWithDataMessage(origin: string, name: string, size: number): string {
  return `${origin}: entry "${printable(name)}" is a folder entry but carries ${size} byte${size === 1 ? '' : 's'} of data, so tools would disagree on whether it is a folder or a file. Refusing to open it: ask the sender for an envelope made again.`;
}

export function directoryWithDataError(origin: string, name: string, size: number): EnvelopeError {
  return new EnvelopeError('ambiguous-archive', directoryWithDataMessage(origin, name, size));
}

/**
 * Why a list of archive entries has more than one reading: the first folder entry with data, or
 * the first name conflict; null when there is none. For readers that keep going (the decrypted
 * payload), where refuseNameConflicts would throw.
 */
export function entriesAmbiguity(entries: readonly { name: string; type: string; size: number }[], origin: string): string | null {
  for (const entry of entries)
    if (entry.type === 'directory' && entry.size > 0) return directoryWithDataMessage(origin, entry.name, entry.size);
  const conflict = findNameConflict(entries.map((e) => ({ name: e.name, kind: e.type === 'directory' ? 'folder' : 'file' })));
  return conflict ? nameConflictMessage(conflict, origin) : null;
}
