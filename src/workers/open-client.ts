// The page's side of the open-envelope worker: same contract as openEnvelope, but the work runs in a
// Web Worker. Cancelling terminates the worker, which stops decryption and hashing at once.
import { CancelledError, EnvelopeError, type OpenOptions, type OpenResult } from '../jmix/api.ts';
import { openEnvelope } from '../jmix/open.ts';
import type { EnvelopeSource } from '../jmix/types.ts';
import { fromWireResult, toWireSource, type WorkerRequest, type WorkerResponse } from './open-protocol.ts';

export async function openEnvelopeInWorker(source: EnvelopeSource, options: OpenOptions = {}): Promise<OpenResult> {
  // Where there are no Web Workers (Node: tests, the CLI) the same pipeline runs in-thread.
  if (typeof Worker === 'undefined') return openEnvelope(source, options);
  const { onProgress, signal, hasher: _hasher, ...wireOptions } = options;
  if (signal?.aborted) throw new CancelledError();
  const wire = await toWireSource(source);
  const worker = new Worker(new URL('./open-worker.ts', import.meta.url), { type: 'module', name: 'jmix-open' });
  return new Promise<OpenResult>((resolve, reject) => {
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      const m = ev.data;
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'done') {
        finish();
        resolve(fromWireResult(m.result));
      } else {
        finish();
        reject(m.error.code ? new EnvelopeError(m.error.code, m.error.message, m.error.problems) : new Error(m.error.message));
      }
    };
    worker.onerror = (ev) => {
      finish();
      reject(new Error(`The envelope reader stopped unexpectedly${ev.message ? `: ${ev.message}` : ''}. Reload the page and try again.`));
    };
    const request: WorkerRequest = { type: 'open', source: wire, options: wireOptions };
    worker.postMessage(request);
  });
}
