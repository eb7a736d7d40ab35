// One SHA-256 per message, off the main thread, so verifying a large payload never freezes the page.
import { createSHA256 } from 'hash-wasm';

export interface HashRequest {
  id: number;
  parts: Uint8Array[];
}

export type HashResponse = { id: number; digest: Uint8Array } | { id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<HashRequest>) => {
  const { id, parts } = event.data;
  try {
    const h = await createSHA256();
    h.init();
    for (const p of parts) h.update(p);
    const digest = h.digest('binary');
    scope.postMessage({ id, digest } satisfies HashResponse, [digest.buffer]);
  } catch (e) {
    scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies HashResponse);
  }
};
