// Access to ../shared (the team's reference material). It exists for developers and CI, not for a
// user's clone: tests that need it skip, and say so, when it is missing.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared');

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DIR, ...parts);
}

/** True when the path exists under ../shared; otherwise logs why the dependent tests skip. */
export function hasShared(...parts: string[]): boolean {
  const p = sharedPath(...parts);
  const ok = existsSync(p);
  if (!ok) console.warn(`[skip] ${p} is not present: tests that read the shared vectors are skipped.`);
  return ok;
}
