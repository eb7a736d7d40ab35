// Node side of "Sources": a path on disk becomes an EnvelopeSource. Folders are walked lazily (files
// are read when the pipeline asks for them); anything else is read as archive bytes and sniffed.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { EntryFile, EnvelopeSource } from '../jmix/types.ts';

export async function sourceFromPath(path: string): Promise<EnvelopeSource> {
  const st = await stat(path);
  if (!st.isDirectory()) return { kind: 'bytes', bytes: new Uint8Array(await readFile(path)), name: basename(path) };
  const files: EntryFile[] = [];
  const top = basename(path);
  const walk = async (dir: string) => {
    for (const ent of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, ent.name);
      // Symbolic links are never followed: an envelope must not reach outside its folder.
      if (ent.isDirectory()) await walk(full);
      else if (ent.isFile()) {
        const size = (await stat(full)).size;
        files.push({
          path: `${top}/${relative(path, full).split(sep).join('/')}`,
          size,
          origin: 'folder',
          bytes: async () => new Uint8Array(await readFile(full)),
        });
      }
    }
  };
  await walk(path);
  return { kind: 'files', files, name: top };
}
