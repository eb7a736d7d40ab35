// Where `extract` writes. Everything in the envelope is untrusted, the id included: every target is
// resolved and checked to be inside the output folder before anything is written, and the folders
// on the way are created one by one without following links.
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { normaliseEntryPath } from '../jmix/paths.ts';
import { escapeControls } from '../jmix/display-text.ts';

/** An extraction refused before or while writing: the message names the file and the reason. */
export class ExtractRefused extends Error {}

/** True when `target` is `folder` itself or lies inside it (both absolute and resolved). */
export function isInside(folder: string, target: string): boolean {
  const rel = relative(folder, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const MAX_FOLDER_NAME = 100;

/**
 * The default output folder's name, `<id>-payload`, from an envelope id that may say anything
 * ("../../evil", "/tmp/abs", "C:\\x"): only letters, digits, "_" and "-" are kept, so the name is
 * one plain folder in the current directory.
 */
export function defaultOutFolderName(id: string | null): string {
  const safe = (id ?? '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_FOLDER_NAME);
  return `${safe || 'envelope'}-payload`;
}

export interface ExtractTarget {
  /** The payload path as the envelope gives it. */
  path: string;
  /** Absolute path inside the output folder. */
  target: string;
}

/** Resolves every payload path under `dest`, or refuses the whole extraction (nothing written yet). */
export function planExtraction(dest: string, paths: readonly string[]): ExtractTarget[] {
  const root = resolve(dest);
  return paths.map((path) => {
    const safe = normaliseEntryPath(path);
    if (!('path' in safe))
      throw new ExtractRefused(
        `Nothing extracted: the payload file "${escapeControls(path)}" ${safe.error}, so it would not stay inside ${escapeControls(root)}.`,
      );
    const target = resolve(root, safe.path);
    if (!isInside(root, target) || target === root)
      throw new ExtractRefused(`Nothing extracted: the payload file "${escapeControls(path)}" would land outside ${escapeControls(root)}.`);
    return { path, target };
  });
}

/**
 * Creates the folders from `root` down to `folder` one level at a time, never through a link: a
 * symbolic link already in the output folder (say `dicom -> /etc`) would otherwise lead both the
 * folder creation and the write outside it.
 */
async function makeFoldersInside(root: string, folder: string, path: string): Promise<void> {
  let current = root;
  for (const segment of relative(root, folder).split(sep).filter(Boolean)) {
    current = join(current, segment);
    const st = await lstat(current).catch(() => null);
    if (!st) await mkdir(current);
    else if (st.isSymbolicLink())
      throw new ExtractRefused(
        `Stopped before writing "${escapeControls(path)}": ${escapeControls(current)} is a symbolic link, and links are never followed out of the output folder.`,
      );
    else if (!st.isDirectory())
      throw new ExtractRefused(`Stopped before writing "${escapeControls(path)}": ${escapeControls(current)} is a file, not a folder.`);
  }
}

/** Writes one planned file inside `root` (the resolved output folder, which must exist). */
export async function writeInside(root: string, t: ExtractTarget, bytes: Uint8Array): Promise<void> {
  await makeFoldersInside(root, dirname(t.target), t.path);
  const existing = await lstat(t.target).catch(() => null);
  if (existing?.isSymbolicLink())
    throw new ExtractRefused(
      `Stopped before writing "${escapeControls(t.path)}": ${escapeControls(t.target)} is a symbolic link; it was neither followed nor replaced.`,
    );
  if (existing?.isDirectory())
    throw new ExtractRefused(`Stopped before writing "${escapeControls(t.path)}": ${escapeControls(t.target)} is a folder.`);
  await writeFile(t.target, bytes);
}
