// Entry names from carriers are untrusted: normalise them to 'a/b/c' and refuse anything that
// could point outside the envelope (zip slip), even though we never write to disk — the app's
// "Save decrypted study" and users' own unzip tools might.
import { EnvelopeError } from './api.ts';

export type NormalisedPath = { path: string } | { error: string };

// C0 controls and DEL; NUL in particular truncates names in C-based tools.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function normaliseEntryPath(raw: string): NormalisedPath {
  const bad = CONTROL_CHARS.exec(raw);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(2, '0');
    return { error: `contains the control character U+00${code.toUpperCase()} at position ${bad.index}` };
  }
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/')) return { error: 'is an absolute path (starts with "/")' };
  if (/^[A-Za-z]:/.test(slashed)) return { error: `starts with a drive letter ("${slashed.slice(0, 2)}")` };
  const kept: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { error: 'contains a ".." segment that climbs out of the envelope (zip slip)' };
    kept.push(segment);
  }
  if (kept.length === 0) return { error: 'is empty' };
  return { path: kept.join('/') };
}

/** The normalised path, or EnvelopeError('unsafe-path') naming the entry and the carrier. */
export function requireSafePath(raw: string, origin: string): string {
  const result = normaliseEntryPath(raw);
  if ('path' in result) return result.path;
  throw new EnvelopeError(
    'unsafe-path',
    `${origin}: entry "${printable(raw)}" ${result.error}. Refusing to open it: a safe envelope only holds relative paths inside its own folder.`,
    [{ severity: 'error', file: origin, pointer: '', message: `Unsafe entry name "${printable(raw)}": ${result.error}.` }],
  );
}

/** Shows control characters visibly in messages. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const JUNK_NAMES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini', 'ehthumbs.db']);

/**
 * Operating-system litter that never belongs to an envelope: macOS `__MACOSX/` trees and
 * `._name` AppleDouble files (Finder/`tar` on macOS), `.DS_Store`, Windows `Thumbs.db`/`desktop.ini`.
 */
export function isIgnoredJunk(path: string): boolean {
  const segments = path.split('/');
  if (segments.includes('__MACOSX')) return true;
  const base = segments[segments.length - 1] ?? '';
  return JUNK_NAMES.has(base.toLowerCase()) || base.startsWith('._');
}
