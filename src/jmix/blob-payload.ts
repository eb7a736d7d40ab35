// Blobs read in chunks, and payload files over a Blob or bytes: what the streamed payload and the
// page's files are read through.
import { createSHA256 } from 'hash-wasm';
import { throwIfAborted } from './api.ts';
import { DEFAULT_CHUNK_SIZE } from './crypto/stream-gcm.ts';
import type { PayloadFile } from './types.ts';

/**
 * Blob reads kept in flight. One read ahead left the pipeline waiting on Blob storage: reading a
 * 1 GiB file in 4 MiB chunks took 2.2–3.2 s with one ahead and 1.6 s with three (headless Chromium,
 * 2 cores; the profile is described in the closing note of issue 5).
 */
const READ_AHEAD = 3;

/** Reads a Blob in chunks, `ahead` reads in flight so Blob storage is never waited on. */
export async function* blobChunks(blob: Blob, chunkSize: number, signal?: AbortSignal, ahead = READ_AHEAD): AsyncGenerator<Uint8Array> {
  const read = (at: number) => {
    const p = blob.slice(at, Math.min(blob.size, at + chunkSize)).arrayBuffer();
    p.catch(() => {}); // surfaced when awaited; an abort in between must not report it unhandled
    return p;
  };
  const pending: Promise<ArrayBuffer>[] = [];
  let next = 0;
  const fill = () => {
    for (; pending.length < ahead && next < blob.size; next += chunkSize) pending.push(read(next));
  };
  fill();
  while (pending.length) {
    throwIfAborted(signal);
    const current = await pending.shift()!;
    fill();
    yield new Uint8Array(current);
  }
}

/** SHA-256 (hex) of a Blob, read in chunks: never more than one chunk in memory. */
export async function hashBlob(blob: Blob, chunkSize = DEFAULT_CHUNK_SIZE, signal?: AbortSignal): Promise<string> {
  const h = await createSHA256();
  h.init();
  for await (const chunk of blobChunks(blob, chunkSize, signal)) h.update(chunk);
  return h.digest('hex');
}

/** A payload file held as a Blob: the browser may keep it out of the JS heap; read on demand. */
export function blobPayloadFile(path: string, blob: Blob): PayloadFile {
  return { path, size: blob.size, blob, bytes: async () => new Uint8Array(await blob.arrayBuffer()) };
}

/** A payload file over bytes in memory or a Blob (a streamed payload, or one that crossed from the worker). */
export function payloadFileFrom(path: string, x: Uint8Array | Blob): PayloadFile {
  return x instanceof Uint8Array ? { path, size: x.length, bytes: async () => x } : blobPayloadFile(path, x);
}
