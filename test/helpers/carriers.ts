// Carrier test helpers: a minimal envelope's files, content per name, and the EnvelopeError a read
// must end in.
import { expect } from 'vitest';
import { EnvelopeError } from '../../src/jmix/api.ts';
import type { EntryFile, EnvelopeSource } from '../../src/jmix/types.ts';
import { patternedBytes } from './tar.ts';

const enc = new TextEncoder();

/** Deterministic, distinct content per name so a mix-up of entries cannot pass. */
export function content(name: string, length = 300): Uint8Array {
  return patternedBytes(name, length, 7);
}

/** A minimal plaintext envelope's files (contents are placeholders: only paths matter here). */
export function envelopeFiles(root: string): Record<string, Uint8Array> {
  const p = root ? `${root}/` : '';
  return {
    [`${p}manifest.json`]: enc.encode('{"id":"x"}'),
    [`${p}audit.json`]: enc.encode('{"audit":[]}'),
    [`${p}payload/metadata.json`]: enc.encode('{}'),
    [`${p}payload/dicom/CT.1.dcm`]: content('CT.1', 3000),
  };
}

export async function caught(p: Promise<unknown> | (() => unknown)): Promise<EnvelopeError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvelopeError);
    return e as EnvelopeError;
  }
  throw new Error('expected an EnvelopeError, nothing was thrown');
}

export const bytesSource = (bytes: Uint8Array, name: string): EnvelopeSource => ({ kind: 'bytes', bytes, name });

export async function readAll(files: Iterable<EntryFile>): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const f of files) out[f.path] = await f.bytes();
  return out;
}
