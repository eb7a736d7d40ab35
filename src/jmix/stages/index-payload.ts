// Stage 6, the model: the study from the DICOM headers (never from metadata claims), and the report
// the envelope names, resolved against the payload.
import { indexDicom } from '../../dicom/index.ts';
import type { DicomIndex } from '../../dicom/types.ts';
import type { HeaderResult } from '../../dicom/header.ts';
import { dicomCheck } from '../checks/dicom.ts';
import type { Envelope, PayloadFile } from '../types.ts';
import type { OpenContext } from './context.ts';

/** Payload files that are envelope documents or attachments, never images. */
const notImage = (f: PayloadFile) =>
  f.path === 'metadata.json' || f.path === 'files.json' || f.path.startsWith('files/') || f.path.startsWith('preview/');

export async function indexPayload(
  payload: PayloadFile[] | null,
  headers: Map<string, HeaderResult>,
  locked: boolean,
  ctx: OpenContext,
): Promise<DicomIndex | null> {
  let dicom: DicomIndex | null = null;
  if (payload) {
    ctx.progress({ stage: 'indexing', done: 0, total: payload.length });
    const candidates = payload.filter((f) => !notImage(f));
    dicom = await indexDicom(candidates, {
      parsed: headers,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ stage: 'indexing', done, total }),
    });
    ctx.note(dicom.problems);
  }
  ctx.checks.push(dicomCheck(dicom, locked));
  return dicom;
}

export function resolveReport(declared: string | null, byPath: Map<string, PayloadFile>, available: boolean): Envelope['report'] {
  const anyPdf = [...byPath.keys()].find((p) => p.startsWith('files/') && p.toLowerCase().endsWith('.pdf')) ?? null;
  if (!declared) return anyPdf ? { declared: null, path: anyPdf, present: true } : null;
  if (!available) return { declared, path: null, present: false };
  const clean = declared
    .replace(/\\/g, '/')
    .replace(/^\.?\//, '')
    .replace(/^payload\//, '');
  const base = clean.split('/').pop() ?? clean;
  for (const p of [clean, `files/${base}`]) if (byPath.has(p)) return { declared, path: p, present: true };
  return { declared, path: anyPdf, present: anyPdf !== null };
}
