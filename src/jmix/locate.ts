// Finding the envelope root (INTEROP §8/§9): producers wrap the envelope in <id>.JMIX/,
// <id>.jmix/, <id>/ or nothing at all, so the root is wherever the shallowest manifest.json is.
import { EnvelopeError } from './api.ts';
import type { EntryFile, Problem } from './types.ts';
import { isIgnoredJunk } from './paths.ts';

export interface LocatedEnvelope {
  /** The folder holding manifest.json, '' when it is at the top of the carrier. */
  root: string;
  /** Files under the root, keyed by their path relative to the root. */
  files: Map<string, EntryFile>;
  /** Carrier paths we ignored: outside the root, OS junk, the root README.md. */
  ignored: string[];
  problems: Problem[];
}

const MANIFEST = 'manifest.json';

function depthOf(path: string): number {
  return path.split('/').length;
}

function topLevelNames(files: EntryFile[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const slash = f.path.indexOf('/');
    names.add(slash === -1 ? f.path : f.path.slice(0, slash + 1));
  }
  return [...names].sort();
}

export function locateEnvelope(files: EntryFile[]): LocatedEnvelope {
  const candidates = files.filter((f) => (f.path === MANIFEST || f.path.endsWith(`/${MANIFEST}`)) && !isIgnoredJunk(f.path));
  if (candidates.length === 0) {
    const names = topLevelNames(files);
    const shown = names
      .slice(0, 10)
      .map((n) => `"${n}"`)
      .join(', ');
    const more = names.length > 10 ? ` and ${names.length - 10} more` : '';
    const found = names.length === 0 ? 'it holds no files at all' : `its top level holds ${shown}${more}`;
    throw new EnvelopeError(
      'no-manifest',
      `No manifest.json was found: ${found}. A JMIX envelope is a folder (usually named <id>.JMIX) with manifest.json at its root, next to audit.json and payload/ or payload.encrypted. Drop that folder, or a .zip / .tar.gz of it.`,
    );
  }
  const shallowest = Math.min(...candidates.map((f) => depthOf(f.path)));
  const top = candidates.filter((f) => depthOf(f.path) === shallowest);
  if (top.length > 1) {
    const listed = top
      .slice(0, 10)
      .map((f) => `"${f.path}"`)
      .join(', ');
    throw new EnvelopeError(
      'ambiguous',
      `Found ${top.length} manifest.json files at the same depth (${listed}), so it is unclear which envelope to open. Open one envelope folder at a time.`,
    );
  }
  const manifestPath = top[0]!.path;
  const root = manifestPath === MANIFEST ? '' : manifestPath.slice(0, -(MANIFEST.length + 1));
  const prefix = root === '' ? '' : `${root}/`;

  const located = new Map<string, EntryFile>();
  const ignored: string[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    if (!file.path.startsWith(prefix)) {
      ignored.push(file.path);
      continue;
    }
    const relative = file.path.slice(prefix.length);
    if (isIgnoredJunk(file.path)) {
      ignored.push(file.path);
      if (relative.startsWith('payload/')) {
        problems.push({
          severity: 'warning',
          file: file.path,
          pointer: '',
          message: `"${relative}" is operating-system litter (macOS/Windows metadata) inside payload/. It is ignored here, but if it was present when the sender hashed payload/, the payload hash will not match; if it was added later (e.g. by Finder), it changed the folder after sealing.`,
        });
      }
      continue;
    }
    if (relative === 'README.md') {
      ignored.push(file.path); // jmix-rs writes a generated README next to the manifest
      continue;
    }
    located.set(relative, file);
  }
  return { root, files: located, ignored, problems };
}
