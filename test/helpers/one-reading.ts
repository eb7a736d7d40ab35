// The genuine envelope and the readers the one-reading tests (issue 11, class 3) share: every zip
// case runs in memory and through the lazy Blob reader.
import { HOSTILE_KEYS, packBase, rooted, type HostileFile, type ZipEntrySpec } from '../../fixtures/hostile/index.ts';
import { readZip, readZipBlob } from '../../src/jmix/archive/zip.ts';
import { EnvelopeError, openEnvelope, type OpenOptions } from '../../src/jmix/index.ts';
import type { EnvelopeSource } from '../../src/jmix/types.ts';

export const NOW = new Date('2025-06-01T00:00:00Z');
export const spec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed });
export const root = spec.rootName;
export const files = rooted(spec);
export const dicomPath = `${root}/payload/dicom/ct/IM0001.dcm`;
/** A jmix-php payload (files relative to payload/), to build hostile payload tars from. */
export const php = (await packBase('jmix-php')).files
  .filter((f) => f.path.startsWith('payload/'))
  .map((f) => ({ path: f.path.slice('payload/'.length), bytes: f.bytes }));
export const genuinePayload = new Set(spec.files.filter((f) => f.path.startsWith('payload/')).map((f) => f.path.slice('payload/'.length)));

export const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
export const zipEntries = (list: HostileFile[]): ZipEntrySpec[] => list.map((f) => ({ name: f.path, data: f.bytes, method: 8 }));
export const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

export async function refusal(run: () => unknown): Promise<EnvelopeError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof EnvelopeError) return e;
    throw e;
  }
  throw new Error('expected an EnvelopeError, the archive was read');
}

/** The zip read both ways: whole, and lazily from a Blob (as large zips are). */
export const zipReaders = [
  ['in memory', (zip: Uint8Array) => readZip(zip, 'zip:t.zip')],
  ['lazy Blob', (zip: Uint8Array) => readZipBlob(blobOf(zip), 'zip:t.zip')],
] as const;

/** openEnvelope on a zip, in memory and through the lazy Blob path. */
export const zipOpeners = [
  ['in memory', (zip: Uint8Array, o: OpenOptions = {}) => openEnvelope({ kind: 'bytes', bytes: zip, name: 't.zip' }, { now: NOW, ...o })],
  [
    'lazy Blob',
    (zip: Uint8Array, o: OpenOptions = {}) =>
      openEnvelope({ kind: 'blob', blob: blobOf(zip), name: 't.zip' }, { now: NOW, streamAbove: { zip: 0 }, ...o }),
  ],
] as const;

export const open = (source: EnvelopeSource, o: OpenOptions = {}) => openEnvelope(source, { now: NOW, ...o });
export const tarSource = (bytes: Uint8Array, name = 't.tar'): EnvelopeSource => ({ kind: 'bytes', bytes, name });
export const folderSource = (list: HostileFile[]): EnvelopeSource => ({
  kind: 'files',
  name: root,
  files: list.map((f) => ({ path: f.path, size: f.bytes.length, origin: 'folder', bytes: async () => f.bytes })),
});
