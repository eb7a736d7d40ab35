// Zip writing, for fixtures and "Save decrypted study"; fflate does the work.
import { zipSync, type Zippable } from 'fflate';

/** A Deflate zip of the given files, directory entries implied (fixtures, "Save decrypted study"). */
export function writeZip(files: { name: string; data: Uint8Array; level?: number }[], opts?: { level?: number }): Uint8Array {
  const tree: Zippable = {};
  for (const f of files) {
    if (f.name in tree) throw new Error(`writeZip: "${f.name}" is listed twice.`);
    // A per-file level (0 = stored) where compression would only cost time.
    tree[f.name] = f.level === undefined ? f.data : [f.data, { level: f.level as 0 }];
  }
  const level = (opts?.level ?? 6) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  // mtime fixed so the same files give the same zip bytes.
  return zipSync(tree, { level, mtime: new Date('2000-01-01T00:00:00Z') });
}
