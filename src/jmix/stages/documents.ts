// Stage 2, the envelope's own documents: manifest.json (without it there is nothing to open),
// audit.json, manifest.jws, and which payload form is present (plain folder or ciphertext).
import { append } from '../../common/arrays.ts';
import { EnvelopeError } from '../api.ts';
import { structureCheck } from '../checks/structure.ts';
import { isObject, readJson, type JsonObject } from '../json.ts';
import { normaliseAudit, normaliseManifest } from '../normalise.ts';
import { auditSchema, manifestSchema, validate } from '../schema.ts';
import type { AuditEntry, EntryFile, Manifest, PayloadFile } from '../types.ts';
import type { CarrierStage } from './carrier.ts';
import { readListDocument, type OpenContext } from './context.ts';

const CIPHERTEXT_NAMES = ['payload.encrypted', 'payload.enc'] as const;

export interface Documents {
  manifestBytes: Uint8Array;
  manifestRaw: JsonObject;
  manifest: Manifest;
  audit: { present: boolean; entries: AuditEntry[]; raw: unknown; damage: string[] };
  jws: { name: string; text: string } | null;
  ciphertext: { name: string; file: EntryFile } | null;
  plainPayload: PayloadFile[];
  encrypted: boolean;
  hasRootReadme: boolean;
}

export async function readDocuments(c: CarrierStage, ctx: OpenContext): Promise<Documents> {
  const manifestBytes = await c.at('manifest.json')!.bytes();
  const manifestJson = readJson(manifestBytes, 'manifest.json');
  if (!manifestJson.ok) throw new EnvelopeError('bad-manifest', manifestJson.problems[0]!.message, manifestJson.problems);
  ctx.note(manifestJson.problems);
  if (!isObject(manifestJson.value))
    throw new EnvelopeError('bad-manifest', 'manifest.json does not hold a JSON object. It is not a JMIX manifest.');
  const manifestRaw = manifestJson.value;
  const manifest = normaliseManifest(manifestRaw, ctx.problems);
  append(ctx.schemaProblems, validate(manifestRaw, manifestSchema, 'manifest.json'));

  const audit = await readAudit(c.at('audit.json'), ctx);
  const jwsName = manifest.jwsFile && c.at(manifest.jwsFile) ? manifest.jwsFile : c.at('manifest.jws') ? 'manifest.jws' : null;
  const jws = jwsName ? { name: jwsName, text: new TextDecoder().decode(await c.at(jwsName)!.bytes()).trim() } : null;
  const ciphertextName = CIPHERTEXT_NAMES.find((n) => c.at(n)) ?? null;
  const plainPayload = [...c.located.files.entries()]
    .filter(([p]) => p.startsWith('payload/'))
    .map(([p, f]) => toPayloadFile(p.slice('payload/'.length), f));
  const encrypted = manifest.encryption !== null || (ciphertextName !== null && plainPayload.length === 0);
  const { located } = c;
  const hasRootReadme = located.files.has('README.md') || located.ignored.some((p) => p === joinRoot(located.root, 'README.md'));

  ctx.checks.push(
    structureCheck({
      manifestId: manifest.id,
      hasAudit: audit.present,
      encrypted,
      ciphertextName,
      hasEncryptionBlock: manifest.encryption !== null,
      plainCount: plainPayload.length,
      ignored: located.ignored,
      problems: [...c.carrier.problems, ...located.problems],
    }),
  );
  return {
    manifestBytes,
    manifestRaw,
    manifest,
    audit,
    jws,
    ciphertext: ciphertextName ? { name: ciphertextName, file: c.at(ciphertextName)! } : null,
    plainPayload,
    encrypted,
    hasRootReadme,
  };
}

/** audit.json; `damage` says why it could not be used in full: the audit check warns. */
async function readAudit(file: EntryFile | undefined, ctx: OpenContext): Promise<Documents['audit']> {
  if (!file) return { present: false, entries: [], raw: null, damage: [] };
  const r = await readListDocument(await file.bytes(), 'audit.json', normaliseAudit, auditSchema, ctx);
  return { present: true, entries: r.value ?? [], raw: r.raw, damage: r.damage };
}

function joinRoot(root: string, name: string): string {
  return root ? `${root.replace(/\/$/, '')}/${name}` : name;
}

function toPayloadFile(path: string, f: EntryFile): PayloadFile {
  return { path, size: f.size, bytes: () => f.bytes() };
}
