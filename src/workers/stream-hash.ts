// A StreamHash whose work happens on a dedicated worker. update() copies each chunk (the caller keeps
// using its buffer) and transfers the copy; lend() moves the caller's buffer there and back, no copy.
// At most MAX_QUEUED bytes of updates wait in the worker, so a slow
// hash slows the producer rather than filling memory.
import type { StreamHash } from '../jmix/hash.ts';

const MAX_QUEUED = 32 * 1024 * 1024;

export async function workerStreamHash(): Promise<StreamHash> {
  const worker = new Worker(new URL('./stream-hash-worker.ts', import.meta.url), { type: 'module', name: 'jmix-stream-hash' });
  let queued = 0;
  let drained: (() => void) | null = null;
  let onDigest: ((hex: string) => void) | null = null;
  let failure: Error | null = null;
  // Lent chunks come back in the order they were sent.
  const lent: { resolve: (chunk: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  worker.onmessage = (
    ev: MessageEvent<{ type: 'ack'; bytes: number } | { type: 'back'; chunk: Uint8Array } | { type: 'digest'; hex: string }>,
  ) => {
    if (ev.data.type === 'back') lent.shift()?.resolve(ev.data.chunk);
    else if (ev.data.type === 'ack') {
      queued -= ev.data.bytes;
      if (queued <= MAX_QUEUED / 2 && drained) {
        drained();
        drained = null;
      }
    } else onDigest?.(ev.data.hex);
  };
  worker.onerror = (ev) => {
    failure = new Error(`The hashing worker stopped: ${ev.message || 'unknown error'}`);
    drained?.();
    for (const l of lent.splice(0)) l.reject(failure);
  };
  return {
    async update(chunk) {
      if (failure) throw failure;
      const copy = chunk.slice();
      queued += copy.length;
      worker.postMessage({ type: 'update', chunk: copy }, [copy.buffer]);
      if (queued > MAX_QUEUED) await new Promise<void>((resolve) => (drained = resolve));
      if (failure) throw failure;
    },
    lend(chunk) {
      if (failure) return Promise.reject(failure);
      const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
      const moved = whole ? chunk : chunk.slice();
      return new Promise<Uint8Array>((resolve, reject) => {
        lent.push({ resolve, reject });
        worker.postMessage({ type: 'update', chunk: moved, back: true }, [moved.buffer]);
      });
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        if (failure) return reject(failure);
        onDigest = (hex) => {
          worker.terminate();
          resolve(hex);
        };
        worker.postMessage({ type: 'digest' });
      });
    },
  };
}
