// SHA-256 behind one small interface, so the same verification code hashes in-thread (Node, tests)
// or on a pool of Web Workers (the browser), fed the same parts in the same order.
import { createSHA256 } from 'hash-wasm';

export interface Hasher {
  /** SHA-256 of the concatenation of `parts`, in order. */
  sha256(parts: readonly Uint8Array[]): Promise<Uint8Array>;
}

/** hash-wasm in the calling thread: incremental, so a multi-part recipe never concatenates. */
export const inThreadHasher: Hasher = {
  async sha256(parts) {
    const h = await createSHA256();
    h.init();
    for (const p of parts) h.update(p);
    return h.digest('binary');
  },
};

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
