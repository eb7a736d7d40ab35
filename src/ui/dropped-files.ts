// Whatever the user hands us (a drop, the file picker, a folder) becomes an EnvelopeSource: one
// archive file is read as bytes; anything else is a set of files with paths relative to what was picked.
import { fileFromBlob } from '../jmix/index.ts';
import type { EnvelopeSource } from '../jmix/types.ts';

/** A picked or dropped file with its path relative to what the user chose. */
export interface PickedFile {
  path: string;
  file: File;
}

const ARCHIVE_NAME = /\.(zip|tar|tar\.gz|tgz)$/i;

export function isArchiveName(name: string): boolean {
  return ARCHIVE_NAME.test(name);
}

function normalisePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\/+/, '')
    .replace(/^(\.\/)+/, '');
}

/**
 * One loose file → its Blob, unread (large zips are then read lazily), whatever its name: the reader
 * recognises archives by content and names what a non-archive is ("a PDF document", "a single DICOM
 * file"). A file inside a picked folder, or several files, are a folder.
 */
export async function sourceFromPicked(picked: readonly PickedFile[], folderName?: string): Promise<EnvelopeSource | null> {
  if (picked.length === 0) return null;
  const only = picked[0];
  if (
    picked.length === 1 &&
    only &&
    (isArchiveName(only.file.name) || (folderName === undefined && !normalisePath(only.path).includes('/')))
  ) {
    return { kind: 'blob', blob: only.file, name: only.file.name };
  }
  const name = folderName ?? commonTopFolder(picked) ?? (picked.length === 1 ? only?.file.name : undefined);
  return {
    kind: 'files',
    files: picked.map((p) => fileFromBlob(normalisePath(p.path), p.file, 'folder')),
    ...(name ? { name } : {}),
  };
}

function commonTopFolder(picked: readonly PickedFile[]): string | null {
  let top: string | null = null;
  for (const p of picked) {
    const parts = normalisePath(p.path).split('/');
    if (parts.length < 2) return null;
    if (top === null) top = parts[0] ?? null;
    else if (top !== parts[0]) return null;
  }
  return top;
}

/** Files from <input type=file> (with or without webkitdirectory: then webkitRelativePath holds the path). */
export function pickedFromFileList(list: FileList | readonly File[]): PickedFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

// --- drag and drop ------------------------------------------------------------------------------

function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries gives batches (Chromium: at most 100) and an empty batch at the end.
    const readBatch = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          readBatch();
        }
      }, reject);
    readBatch();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walkEntry(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    out.push({ path: normalisePath(entry.fullPath || entry.name), file: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries(entry as FileSystemDirectoryEntry)) await walkEntry(child, out);
  }
}

/**
 * Everything dropped, folders walked recursively. Call it synchronously inside the drop handler:
 * the DataTransfer items are only readable during the event, so the entries are taken first.
 */
export function pickedFromDataTransfer(dt: DataTransfer): Promise<PickedFile[]> {
  const entries: FileSystemEntry[] = [];
  const plainFiles: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) plainFiles.push(f);
    }
  }
  if (entries.length === 0 && plainFiles.length === 0) plainFiles.push(...Array.from(dt.files ?? []));
  return (async () => {
    const out: PickedFile[] = plainFiles.map((file) => ({ path: file.name, file }));
    for (const e of entries) await walkEntry(e, out);
    return out;
  })();
}

// --- "Open folder" ------------------------------------------------------------------------------

interface DirectoryHandle {
  name: string;
  kind: 'directory';
  values(): AsyncIterable<DirectoryHandle | FileHandle>;
}
interface FileHandle {
  name: string;
  kind: 'file';
  getFile(): Promise<File>;
}
type DirectoryPicker = (opts?: { mode?: 'read' }) => Promise<DirectoryHandle>;

export function directoryPicker(): DirectoryPicker | null {
  const picker = (globalThis as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : null;
}

async function walkHandle(dir: DirectoryHandle, prefix: string, out: PickedFile[]): Promise<void> {
  for await (const h of dir.values()) {
    const path = `${prefix}${h.name}`;
    if (h.kind === 'file') out.push({ path, file: await h.getFile() });
    else await walkHandle(h, `${path}/`, out);
  }
}

/** Files of a folder chosen with showDirectoryPicker, paths starting with the folder's name. */
export async function pickedFromDirectoryHandle(dir: DirectoryHandle): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  await walkHandle(dir, `${dir.name}/`, out);
  return out;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
