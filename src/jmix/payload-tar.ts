// The decrypted payload is a tar in one of three producer layouts (INTEROP §3 step 4):
//   jmix-js  — ustar, every entry under 'payload/', directory entries present;
//   jmix-rs  — GNU tar of the payload's contents rooted at '.'/'./', directory entries present;
//   jmix-php — PharData, files only, no prefix.
// All three become one map of payload-relative paths to bytes. A tar with more than one reading
// (name twins, a file named like a folder, a folder entry with data) releases no files at all and
// says why in a fatal problem; data after its end blocks is a fatal problem of the tar parser.
import type { Problem } from './types.ts';
import { UnpackBudget } from './limits.ts';
import { printable, requireSafePath } from './paths.ts';
import { gunzipLimited, isGzip } from './archive/gzip.ts';
import { readTar } from './archive/tar.ts';
import { type TarEntry } from './archive/tar-header.ts';
import { entriesAmbiguity } from './archive/names.ts';
import { append } from '../common/arrays.ts';

export type PayloadTarLayout = 'payload-prefix' | 'dot-root' | 'files-only';

export interface PayloadTarContents {
  files: Map<string, Uint8Array>;
  layout: PayloadTarLayout;
  problems: Problem[];
}

const PAYLOAD_PREFIX = 'payload/';

function stripDotSlash(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  return n;
}

export function payloadFilesFromTar(tarBytes: Uint8Array, origin: string): PayloadTarContents {
  const problems: Problem[] = [];
  let bytes = tarBytes;
  // No producer gzips the payload tar, but sniffing costs nothing (INTEROP §9).
  if (isGzip(bytes)) {
    const gunzipped = gunzipLimited(bytes, origin);
    append(problems, gunzipped.problems);
    bytes = gunzipped.data;
  }
  const tar = readTar(bytes, origin);
  append(problems, tar.problems);
  const collected = collectPayloadFiles(tar.entries, origin);
  return { ...collected, problems: [...problems, ...collected.problems] };
}

/**
 * Why the payload tar has more than one reading (see archive/names.ts): a folder entry with data,
 * name twins, or a file named like a folder of other entries (payload/dicom next to
 * payload/dicom/ct/…, which recipe B's dir:/file: lines cannot both cover). Null when it has one.
 */
function payloadAmbiguity(
  entries: readonly { name: string; type: TarEntry['type']; data: { length?: number; size?: number } }[],
  origin: string,
): string | null {
  const ambiguity = entriesAmbiguity(
    entries.map((e) => ({ name: e.name, type: e.type, size: e.data.length ?? e.data.size ?? 0 })),
    origin,
  );
  return ambiguity ? `Decrypted payload: ${ambiguity}` : null;
}

/**
 * From tar entries (whole, or streamed with their data already stored elsewhere) to payload files:
 * strip './' and a common 'payload/' prefix, skip directories and links, refuse escaping paths.
 */
export function collectPayloadFiles<T extends { length?: number; size?: number }>(
  entries: readonly { name: string; type: TarEntry['type']; linkName: string | null; data: T }[],
  origin: string,
): { files: Map<string, T>; layout: PayloadTarLayout; problems: Problem[] } {
  const problems: Problem[] = [];
  const ambiguity = payloadAmbiguity(entries, origin);
  if (ambiguity) {
    // Refused: nothing from this tar is released, so nothing is shown that a check may not cover.
    problems.push({ severity: 'error', file: origin, pointer: '', fatal: true, message: ambiguity });
    return { files: new Map(), layout: 'files-only', problems };
  }
  let sawDotRoot = false;
  let sawDirectory = false;
  const fileEntries: { name: string; data: T }[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('./') || entry.name === '.') sawDotRoot = true;
    const name = stripDotSlash(entry.name);
    if (entry.type === 'directory') {
      sawDirectory = true;
      continue;
    }
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      problems.push({
        severity: 'warning',
        file: origin,
        pointer: '',
        message: `${origin}: payload entry "${printable(entry.name)}" is a link to "${printable(entry.linkName ?? '')}"; links are never followed, so it was skipped.`,
      });
      continue;
    }
    if (entry.type === 'other') {
      problems.push({
        severity: 'warning',
        file: origin,
        pointer: '',
        message: `${origin}: payload entry "${printable(entry.name)}" is not a regular file; it was skipped.`,
      });
      continue;
    }
    fileEntries.push({ name, data: entry.data });
  }

  const allPrefixed = fileEntries.length > 0 && fileEntries.every((f) => f.name.startsWith(PAYLOAD_PREFIX));
  // A tar with directory entries but neither './' nor 'payload/' is closest to jmix-rs (tar-rs
  // drops './' from every entry but the root one).
  const layout: PayloadTarLayout = allPrefixed ? 'payload-prefix' : sawDotRoot || sawDirectory ? 'dot-root' : 'files-only';

  const budget = new UnpackBudget(origin);
  const files = new Map<string, T>();
  for (const entry of fileEntries) {
    const raw = allPrefixed ? entry.name.slice(PAYLOAD_PREFIX.length) : entry.name;
    const path = requireSafePath(raw, origin);
    budget.entry(path, entry.data.length ?? entry.data.size ?? 0);
    if (files.has(path)) {
      problems.push({
        severity: 'error',
        file: origin,
        pointer: '',
        message: `${origin}: payload file "${path}" appears more than once in the tar; only the first copy is used.`,
      });
      continue;
    }
    files.set(path, entry.data);
  }
  return { files, layout, problems };
}
