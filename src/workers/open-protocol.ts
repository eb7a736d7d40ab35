// What crosses between the page and the open-envelope worker: plain, structured-cloneable data.
// Functions (EntryFile.bytes, PayloadFile.bytes) cannot cross, so files travel as Blobs or as
// bytes whose buffers are moved (transferred, not copied), and are wrapped back into the core's
// types on each side.
import { EnvelopeError, type OpenOptions, type OpenResult, type Progress } from '../jmix/api.ts';
import { payloadFileFrom } from '../jmix/blob-payload.ts';
import type { EntryFile, EnvelopeSource, Envelope, PayloadFile, Problem } from '../jmix/types.ts';

export type WireSource =
  | { kind: 'bytes'; bytes: Uint8Array; name: string }
  | { kind: 'blob'; blob: Blob; name: string }
  | { kind: 'files'; name?: string; files: { path: string; origin: string; blob: Blob }[] };

export type WireOptions = Omit<OpenOptions, 'hasher' | 'onProgress' | 'signal'>;

export type WirePayloadFile = { path: string; blob: Blob } | { path: string; bytes: Uint8Array };
export type WireEnvelope = Omit<Envelope, 'payload'> & { payload: WirePayloadFile[] };
export type WireResult = Omit<OpenResult, 'envelope'> & { envelope: WireEnvelope };

export type WorkerRequest = { type: 'open'; source: WireSource; options: WireOptions };
export type WorkerResponse =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: WireResult }
  | { type: 'error'; error: { name: string; code: string | null; message: string; problems: Problem[] } };

export async function toWireSource(source: EnvelopeSource): Promise<WireSource> {
  if (source.kind !== 'files') return source;
  const files = await Promise.all(
    source.files.map(async (f: EntryFile) => ({
      path: f.path,
      origin: f.origin,
      blob: f.blob ?? new Blob([(await f.bytes()) as Uint8Array<ArrayBuffer>]),
    })),
  );
  return { kind: 'files', files, ...(source.name !== undefined ? { name: source.name } : {}) };
}

export function fromWireSource(w: WireSource): EnvelopeSource {
  if (w.kind !== 'files') return w;
  return {
    kind: 'files',
    ...(w.name !== undefined ? { name: w.name } : {}),
    files: w.files.map(({ path, origin, blob }) => ({
      path,
      origin,
      size: blob.size,
      blob,
      bytes: async () => new Uint8Array(await blob.arrayBuffer()),
    })),
  };
}

/** The result and the buffers to move with it (each once): payload bytes cross without a copy. */
export async function toWireResult(r: OpenResult): Promise<{ result: WireResult; transfer: ArrayBuffer[] }> {
  const transfer = new Set<ArrayBuffer>();
  const payload = await Promise.all(
    r.envelope.payload.map(async (f): Promise<WirePayloadFile> => {
      if (f.blob) return { path: f.path, blob: f.blob };
      const bytes = await f.bytes();
      if (bytes.buffer instanceof ArrayBuffer) transfer.add(bytes.buffer);
      return { path: f.path, bytes };
    }),
  );
  return { result: { ...r, envelope: { ...r.envelope, payload } }, transfer: [...transfer] };
}

export function fromWireResult(w: WireResult): OpenResult {
  const payload: PayloadFile[] = w.envelope.payload.map((f) => payloadFileFrom(f.path, 'blob' in f ? f.blob : f.bytes));
  return { ...w, envelope: { ...w.envelope, payload } };
}

export function errorToWire(e: unknown): Extract<WorkerResponse, { type: 'error' }>['error'] {
  if (e instanceof EnvelopeError) return { name: e.name, code: e.code, message: e.message, problems: e.problems };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, code: null, message: err.message, problems: [] };
}
