// A Hasher backed by a few module Web Workers, used round-robin. Parts are copied into the worker,
// never transferred: the caller's buffers (the decrypted payload) must stay usable afterwards.
import { inThreadHasher, type Hasher } from '../jmix/hash.ts';
import type { HashRequest, HashResponse } from './hash-worker.ts';

interface Pending {
  resolve: (digest: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export interface HasherPool extends Hasher {
  /** Stop every worker; pending hashes reject. The pool starts new workers if used again. */
  terminate(): void;
}

/** A copy holding only this view's bytes (cloning a view would copy its whole underlying buffer). */
function ownCopy(part: Uint8Array): Uint8Array {
  return part.slice();
}

export function createHasherPool(size = defaultPoolSize()): HasherPool {
  const slots: Slot[] = [];
  let next = 0;
  let nextId = 1;
  let workersUnavailable = false;

  function failSlot(slot: Slot, message: string): void {
    for (const p of slot.pending.values()) p.reject(new Error(message));
    slot.pending.clear();
    slot.worker.terminate();
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
  }

  function startSlot(): Slot | null {
    try {
      const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
      const slot: Slot = { worker, pending: new Map() };
      worker.onmessage = (event: MessageEvent<HashResponse>) => {
        const msg = event.data;
        const p = slot.pending.get(msg.id);
        if (!p) return;
        slot.pending.delete(msg.id);
        if ('error' in msg) p.reject(new Error(`Hashing failed in a worker: ${msg.error}`));
        else p.resolve(msg.digest);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        failSlot(slot, `The hashing worker stopped: ${event.message || 'unknown error'}`);
      };
      return slot;
    } catch {
      // No module workers here (very old browser, or a test environment): hash in this thread.
      workersUnavailable = true;
      return null;
    }
  }

  function pickSlot(): Slot | null {
    if (workersUnavailable) return null;
    if (slots.length < size) {
      const slot = startSlot();
      if (slot) slots.push(slot);
      return slot;
    }
    const slot = slots[next % slots.length] ?? null;
    next += 1;
    return slot;
  }

  return {
    sha256(parts) {
      const slot = pickSlot();
      if (!slot) return inThreadHasher.sha256(parts);
      const id = nextId++;
      const copies = parts.map(ownCopy);
      const request: HashRequest = { id, parts: copies };
      return new Promise<Uint8Array>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        // The copies are ours alone, so handing their buffers over costs nothing and copies nothing twice.
        slot.worker.postMessage(request, copies.map((c) => c.buffer as ArrayBuffer));
      });
    },
    terminate() {
      for (const slot of [...slots]) failSlot(slot, 'The hashing workers were stopped.');
      next = 0;
    },
  };
}

function defaultPoolSize(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(4, cores - 1));
}
