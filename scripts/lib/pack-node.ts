// Node-side helpers around the packer: write an envelope as a folder on disk.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PackedEnvelope } from './pack.ts';

/** Writes `<dir>/<rootName>/...` and returns the envelope folder's path. */
export async function writeFolder(env: PackedEnvelope, dir: string): Promise<string> {
  const root = join(dir, env.rootName);
  for (const f of env.files) {
    const p = join(root, f.path);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, f.bytes);
  }
  return root;
}
