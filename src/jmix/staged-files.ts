// Where a streamed payload's decrypted files wait until the GCM tag is checked: in memory, or in
// Blob storage for payloads larger than memory allows.
import { concatBytes } from './crypto/bytes.ts';

const GiB = 1024 ** 3;

/**
 * Decrypted payloads up to this size stay in memory; larger ones go to Blob storage, which the
 * browser can page to disk. A quarter of the device's memory (navigator.deviceMemory, which browsers
 * round and cap at 8 GiB), 1 GiB when unknown. Blob storage costs time: on the 1 GiB bench envelope,
 * one Blob per decrypted chunk plus one slice per file added ~5 s of work to the decrypting thread.
 */
export function defaultInMemoryLimit(): number {
  const gib = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? (gib * GiB) / 4 : GiB;
}

/**
 * Where decrypted files are kept until the tag is checked: `chunk` sees each decrypted chunk before
 * it is split, `file` turns one entry's pieces (views into the chunks they came in) into the file.
 */
export interface FileStore {
  chunk(plain: Uint8Array): void;
  file(pieces: Uint8Array[]): Uint8Array | Blob;
}

/**
 * In memory: a file is a view into its chunk (which the view keeps alive); a file across a chunk
 * boundary is joined into a buffer of its own.
 */
export const memoryStore: FileStore = {
  chunk() {},
  file: (pieces) => (pieces.length === 0 ? new Uint8Array(0) : pieces.length === 1 ? pieces[0]! : concatBytes(...pieces)),
};

/**
 * In Blob storage (one Blob per decrypted chunk, files are slices of it): slower, but the browser
 * may keep it on disk, so payloads larger than memory still open.
 */
export function blobStore(): FileStore {
  const blobs = new WeakMap<ArrayBufferLike, { blob: Blob; offset: number }>();
  return {
    chunk(plain) {
      blobs.set(plain.buffer, { blob: new Blob([plain as Uint8Array<ArrayBuffer>]), offset: plain.byteOffset });
    },
    file(pieces) {
      const parts = pieces.map((p) => {
        const c = blobs.get(p.buffer);
        return c ? c.blob.slice(p.byteOffset - c.offset, p.byteOffset - c.offset + p.length) : new Blob([p.slice()]);
      });
      return parts.length === 1 ? parts[0]! : new Blob(parts);
    },
  };
}

/** The first `max` bytes of a file given as pieces (a view when the first piece holds them). */
export function headOf(pieces: readonly Uint8Array[], max: number): Uint8Array {
  const first = pieces[0];
  if (!first) return new Uint8Array(0);
  if (first.length >= max || pieces.length === 1) return first.subarray(0, max);
  const total = Math.min(
    max,
    pieces.reduce((n, p) => n + p.length, 0),
  );
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    if (at >= total) break;
    const n = Math.min(p.length, total - at);
    out.set(p.subarray(0, n), at);
    at += n;
  }
  return out;
}
