// Stage 4, the documents inside the payload: metadata.json (what the sender claims about patient and
// study) and files.json (per-file sizes and hashes).
import { append } from '../../common/arrays.ts';
import { isObject, readJson } from '../json.ts';
import { normaliseFilesJson, normaliseMetadata } from '../normalise.ts';
import { filesSchema, metadataSchema, validate } from '../schema.ts';
import type { FilesJsonEntry, Metadata, PayloadFile } from '../types.ts';
import { readListDocument, type OpenContext } from './context.ts';

export interface PayloadDocuments {
  byPath: Map<string, PayloadFile>;
  metadata: Metadata | null;
  /** jmix-js-style metadata carries a `dicom` block (a dialect fingerprint); null without metadata. */
  metadataHasDicomBlock: boolean | null;
  filesJson: FilesJsonEntry[] | null;
  /** Why files.json could not be used in full: the files-json check warns. */
  filesJsonDamage: string[];
}

export async function readPayloadDocuments(payload: PayloadFile[] | null, ctx: OpenContext): Promise<PayloadDocuments> {
  const byPath = new Map((payload ?? []).map((f) => [f.path, f]));
  const out: PayloadDocuments = { byPath, metadata: null, metadataHasDicomBlock: null, filesJson: null, filesJsonDamage: [] };
  const metaFile = byPath.get('metadata.json');
  if (metaFile) {
    const r = readJson(await metaFile.bytes(), 'payload/metadata.json');
    ctx.note(r.problems);
    if (r.ok && isObject(r.value)) {
      out.metadata = normaliseMetadata(r.value, ctx.problems);
      out.metadataHasDicomBlock = isObject(r.value.dicom);
      if (!out.metadataHasDicomBlock) append(ctx.schemaProblems, validate(r.value, metadataSchema, 'payload/metadata.json'));
    } else if (r.ok)
      ctx.problems.push({
        severity: 'warning',
        file: 'payload/metadata.json',
        pointer: '',
        message: 'metadata.json does not hold a JSON object; it was ignored.',
      });
  } else if (payload) {
    ctx.problems.push({
      severity: 'warning',
      file: 'payload/metadata.json',
      pointer: '',
      message: 'The payload has no metadata.json; patient and study details come from the DICOM headers only.',
    });
  }
  const filesJsonFile = byPath.get('files.json');
  if (filesJsonFile) {
    const r = await readListDocument(await filesJsonFile.bytes(), 'payload/files.json', normaliseFilesJson, filesSchema, ctx);
    out.filesJson = r.value;
    append(out.filesJsonDamage, r.damage);
  }
  return out;
}
