// Access to ../shared (the team's reference material). It exists for developers and CI, not for a
// user's clone: tests that need it skip, and say so, when it is missing.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
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

/**
 * A describe block over ../shared material. Unlike describe.skipIf, the body is not even run when the
 * folder is missing (bodies read vector files while collecting tests); one skipped test says why.
 */
export function describeWithShared(parts: string[], title: string, body: () => void): void {
  if (hasShared(...parts)) describe(title, body);
  else describe(title, () => it.skip(`needs ../shared/${parts.join('/')}, which is not present`, () => {}));
}
