// Stage 5, verification: name the dialect (it orders the hash recipes), then check the payload
// against its hash and files.json, the signatures and assertions, the audit trail and the schemas.
import type { HeaderResult } from '../../dicom/header.ts';
import { parseDicomHeader } from '../../dicom/header.ts';
import { auditCheck } from '../checks/audit.ts';
import { schemaCheck } from '../checks/schema.ts';
import { describeAssertion, manifestJwsCheck, originCheck, receiverList } from '../checks/signatures.ts';
import { verifyAssertion } from '../crypto/assertions.ts';
import { jwsHeaderTyp } from '../crypto/jws.ts';
import { detectDialect } from '../dialect.ts';
import { toHex } from '../hash.ts';
import { isObject } from '../json.ts';
import { checkFilesJson, checkPayloadHash } from '../payload-hash.ts';
import type { Check, Dialect, PayloadFile } from '../types.ts';
import type { CarrierStage } from './carrier.ts';
import { memo, type OpenContext } from './context.ts';
import type { PayloadStage } from './decrypt.ts';
import type { Documents } from './documents.ts';
import type { PayloadDocuments } from './payload-documents.ts';

export interface Verified {
  dialect: Dialect;
  evidence: string[];
  /** DICOM headers parsed while the plain payload's files were hashed (read once). */
  headers: Map<string, HeaderResult>;
}

export async function verify(c: CarrierStage, docs: Documents, p: PayloadStage, pd: PayloadDocuments, ctx: OpenContext): Promise<Verified> {
  const { dialect, evidence } = dialectOf(c, docs, p, pd);
  const { payload } = p;
  ctx.progress({ stage: 'verifying', done: 0, total: payload?.length ?? 0 });
  // A plain payload's files are read once: hashed, and their DICOM headers parsed on the way.
  const headers = new Map<string, HeaderResult>();
  const fileHashes = memo(
    async () => p.digests.files ?? hashFiles(payload ?? [], ctx, (f, bytes) => headers.set(f.path, parseDicomHeader(bytes, f.path))),
  );
  ctx.checks.push(
    await checkPayloadHash({
      declared: docs.manifest.payloadHash,
      dialectHint: dialect,
      payload,
      fileHashes,
      ciphertextHash: p.digests.ciphertext,
      plaintextTarHash: p.digests.plaintextTar,
      hasher: ctx.hasher,
    }),
  );
  ctx.checks.push(filesJsonDamaged(await checkFilesJson(pd.filesJson, payload, fileHashes), pd.filesJsonDamage));
  ctx.abortIfCancelled();

  const trust = { trustedPublicKeys: ctx.options.trustedPublicKeys ?? [], rememberedSenders: ctx.options.rememberedSenders ?? [] };
  const jws = await manifestJwsCheck(docs.jws?.name ?? null, docs.jws?.text ?? null, docs.manifestBytes, docs.manifestRaw, trust);
  ctx.checks.push(jws, originCheck(jws, docs.manifestRaw, trust));
  for (const check of await assertionChecks(docs, ctx.now)) ctx.checks.push(check);
  ctx.checks.push(await auditCheck(docs.audit.present, docs.audit.entries, docs.audit.damage, docs.manifestRaw, ctx.now));
  ctx.checks.push(schemaCheck(ctx.schemaProblems, dialect));
  ctx.note(ctx.schemaProblems);
  return { dialect, evidence, headers };
}

function dialectOf(c: CarrierStage, docs: Documents, p: PayloadStage, pd: PayloadDocuments): { dialect: Dialect; evidence: string[] } {
  const { manifest, manifestRaw } = docs;
  const manifestText = new TextDecoder().decode(docs.manifestBytes);
  const entities = [manifest.sender, manifest.requester, ...manifest.receivers];
  return detectDialect({
    manifestRaw,
    manifestText,
    rootName: c.rootName,
    hasRootReadme: docs.hasRootReadme,
    ciphertextName: docs.ciphertext?.name ?? null,
    hkdfProducer: p.hkdfProducer,
    tarLayout: p.tarLayout,
    jwsTyp: docs.jws ? jwsHeaderTyp(docs.jws.text) : null,
    filesJsonListsMetadata: pd.filesJson ? pd.filesJson.some((e) => e.file === 'metadata.json') : null,
    metadataHasDicomBlock: pd.metadataHasDicomBlock,
    auditEvents: docs.audit.entries.map((a) => a.event),
    fingerprints: entities.map((e) => e?.assertion?.signingKey?.fingerprint ?? '').filter(Boolean),
    keyReferenceNull: /"key_reference"\s*:\s*null/.test(manifestText),
  });
}

/** An unreadable or malformed files.json is not "absent", and its skipped entries are not "all match". */
function filesJsonDamaged(checked: Check, damage: readonly string[]): Check {
  if (!damage.length || (checked.status !== 'pass' && checked.status !== 'not-present')) return checked;
  return {
    ...checked,
    status: 'warn',
    title: 'files.json is damaged: per-file checks are incomplete',
    detail: `${damage.join(' ')} ${checked.detail}`,
  };
}

async function assertionChecks(docs: Documents, now: Date): Promise<Check[]> {
  const m = docs.manifestRaw;
  const out: Check[] = [];
  const parties = [
    ['sender', m.sender, undefined],
    ['requester', m.requester, undefined],
    ...receiverList(m).map((r, i) => ['receiver', r, i] as const),
  ] as const;
  for (const [role, entity, index] of parties) {
    const id = (role === 'receiver' ? `assertion:receiver:${index}` : `assertion:${role}`) as Check['id'];
    if (!isObject(entity) || !isObject(entity.assertion)) {
      const who = role === 'sender' ? 'who sent this' : 'this party';
      if (role !== 'receiver' || isObject(entity))
        out.push({
          id,
          status: 'not-present',
          title: `No ${role} assertion`,
          detail: `The ${role}${index !== undefined ? ` #${index + 1}` : ''} entry carries no signed assertion, so ${who} is as claimed, not proven.`,
        });
      continue;
    }
    out.push(describeAssertion({ id, ...(await verifyAssertion({ manifest: m, role, index, entity, now })) }));
  }
  return out;
}

/** SHA-256 of every file; `inspect` sees each file's bytes while they are at hand (headers are parsed there). */
async function hashFiles(
  files: readonly PayloadFile[],
  ctx: OpenContext,
  inspect: (file: PayloadFile, bytes: Uint8Array) => void,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  let done = 0;
  // A few in flight keeps a worker pool busy without holding every file's copy at once.
  const worker = async () => {
    while (next < files.length) {
      ctx.abortIfCancelled();
      const f = files[next++]!;
      const bytes = await f.bytes();
      const hash = ctx.hasher.sha256([bytes]);
      inspect(f, bytes);
      out.set(f.path, toHex(await hash));
      ctx.progress({ stage: 'verifying', done: ++done, total: files.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, files.length) }, worker));
  return out;
}
