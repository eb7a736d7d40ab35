// Runs the whole envelope pipeline (unpack, decrypt, hash, parse DICOM headers) off the main thread,
// so the page never freezes. One request per worker: the client terminates it to cancel.
import type { Progress } from '../jmix/api.ts';
import { openEnvelope } from '../jmix/open.ts';
import { inThreadHasher, type Hasher } from '../jmix/hash.ts';
import { workerStreamHash } from './stream-hash.ts';
import { errorToWire, fromWireSource, toWireResult, type WorkerRequest, type WorkerResponse } from './open-protocol.ts';

const post = (m: WorkerResponse) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const { source, options } = ev.data;
  try {
    const result = await openEnvelope(fromWireSource(source), {
      ...options,
      hasher,
      onProgress: throttled((progress) => post({ type: 'progress', progress })),
    });
    const { result: wire, transfer } = await toWireResult(result);
    (self as unknown as Worker).postMessage({ type: 'done', result: wire } satisfies WorkerResponse, transfer);
  } catch (e) {
    post({ type: 'error', error: errorToWire(e) });
  }
};

/**
 * Progress at most every 100 ms within a stage (a new stage always goes through): a 1 GiB payload
 * reports 256 chunks, and each message re-renders the progress bar on the page's thread.
 */
function throttled(send: (p: Progress) => void): (p: Progress) => void {
  let last = 0;
  let stage = '';
  return (p) => {
    const now = performance.now();
    if (p.stage === stage && p.done < p.total && now - last < 100) return;
    stage = p.stage;
    last = now;
    send(p);
  };
}

// Per-file hashes: Web Crypto's native digest, which the browser runs off this thread and in
// parallel. Whole-payload streams (the plaintext tar, the ciphertext) on a worker of their own.
const hasher: Hasher = { sha256: inThreadHasher.sha256, stream: workerStreamHash };
