// Runs the whole envelope pipeline (unpack, decrypt, hash, parse DICOM headers) off the main thread,
// so the page never freezes. One request per worker: the client terminates it to cancel.
import { openEnvelope } from '../jmix/open.ts';
import { createHasherPool } from './hasher-pool.ts';
import { errorToWire, fromWireSource, toWireResult, type WorkerRequest, type WorkerResponse } from './open-protocol.ts';

const post = (m: WorkerResponse) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const { source, options } = ev.data;
  // Per-file hashes spread over a small pool of nested workers (one per core).
  const hasher = createHasherPool();
  try {
    const result = await openEnvelope(fromWireSource(source), { ...options, hasher, onProgress: (progress) => post({ type: 'progress', progress }) });
    post({ type: 'done', result: await toWireResult(result) });
  } catch (e) {
    post({ type: 'error', error: errorToWire(e) });
  } finally {
    hasher.terminate();
  }
};
