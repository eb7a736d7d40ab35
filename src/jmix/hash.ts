// SHA-256 behind one small interface, so the same verification code hashes in-thread (Node, tests)
// or on a pool of Web Workers (the browser), fed the same parts in the same order.
import { createSHA256 } from 'hash-wasm';
import { concatBytes } from './crypto/bytes.ts';

export interface Hasher {
  /** SHA-256 of the concatenation of `parts`, in order. */
  sha256(parts: readonly Uint8Array[]): Promise<Uint8Array>;
  /** An incremental SHA-256 for a stream (the browser runs it on its own worker). */
  stream?(): Promise<StreamHash>;
}

/** Incremental SHA-256: feed chunks in order, then ask for the digest (hex). */
export interface StreamHash {
  update(chunk: Uint8Array): void | Promise<void>;
  /**
   * Like update(), for a caller that keeps the chunk: a worker-backed hash borrows the buffer
   * (moved, not copied) and gives it back. Resolves, in call order, with the same bytes once hashed;
   * only the returned array may be used from then on, and nothing of the chunk before that.
   */
  lend?(chunk: Uint8Array): Promise<Uint8Array>;
  digest(): Promise<string>;
}

/** hash-wasm in the calling thread. */
export async function inThreadStreamHash(): Promise<StreamHash> {
  const h = await createSHA256();
  h.init();
  return { update: (chunk) => void h.update(chunk), digest: async () => h.digest('hex') };
}

/**
 * The default: Web Crypto's native SHA-256 (fast, and off the JS thread in browsers) for anything
 * that fits comfortably in one buffer; hash-wasm incrementally for larger multi-part inputs, so a
 * recipe never concatenates gigabytes.
 */
export const inThreadHasher: Hasher = {
  async sha256(parts) {
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total <= ONE_SHOT_MAX && globalThis.crypto?.subtle) {
      const one = parts.length === 1 ? parts[0]! : concatBytes(...parts);
      return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', one as Uint8Array<ArrayBuffer>));
    }
    const h = await createSHA256();
    h.init();
    for (const p of parts) h.update(p);
    return h.digest('binary');
  },
};

const ONE_SHOT_MAX = 64 * 1024 * 1024;

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
