// The one pipeline: source -> carrier files -> located envelope -> (decrypt) -> verify -> model.
// Integrity and decryption failures never throw: they become checks in the report, and the verdict
// follows from the checks. Only input that cannot be used at all throws an EnvelopeError.
import { HEADER_PREFIX_BYTES, indexDicom } from '../dicom/index.ts';
import { parseDicomHeader, type HeaderResult } from '../dicom/header.ts';
import type { DicomIndex } from '../dicom/types.ts';
import { EnvelopeError, throwIfAborted, type OpenOptions, type OpenResult, type Progress } from './api.ts';
import { verifyAssertion } from './crypto/assertions.ts';
import { parseRecipientKey, KeyFormatError } from './crypto/keys.ts';
import { decryptPayload, defaultOrder, DecryptError } from './crypto/payload-cipher.ts';
import { detectDialect } from './dialect.ts';
import { inThreadHasher, toHex, type Hasher } from './hash.ts';
import { isObject, readJson, type JsonObject } from './json.ts';
import { locateEnvelope } from './locate.ts';
import { normaliseAudit, normaliseFilesJson, normaliseManifest, normaliseMetadata } from './normalise.ts';
import { checkFilesJson, checkPayloadHash } from './payload-hash.ts';
import { payloadFilesFromTar } from './payload-tar.ts';
import { auditSchema, filesSchema, manifestSchema, metadataSchema, validate } from './schema.ts';
import { readSource } from './sources.ts';
import { payloadFileFrom, decryptPayloadStreaming, hashBlob, STREAM_DECRYPT_BYTES } from './stream-decrypt.ts';
import type { Check, Dialect, Envelope, EntryFile, FilesJsonEntry, PayloadFile, Problem } from './types.ts';
import { buildReport } from './verdict.ts';
import { structureCheck } from './checks/structure.ts';
import { describeAssertion, manifestJwsCheck, originCheck, receiverList } from './checks/signatures.ts';
import { coverageOf } from './checks/coverage.ts';
import { append } from '../common/arrays.ts';

const CIPHERTEXT_NAMES = ['payload.encrypted', 'payload.enc'] as const;

export async function openEnvelope(source: Parameters<typeof readSource>[0], options: OpenOptions = {}): Promise<OpenResult> {
  const { signal } = options;
  const hasher = options.hasher ?? inThreadHasher;
  const now = options.now ?? new Date();
  const progress = (p: Progress) => options.onProgress?.(p);
  const problems: Problem[] = [];
  const checks: Check[] = [];

  // 1. Carrier and root.
  progress({ stage: 'reading', done: 0, total: 0 });
  const carrier = await readSource(source, signal, options.streamAbove?.zip);
  append(problems, carrier.problems);
  progress({ stage: 'unpacking', done: 0, total: carrier.files.length });
  let located: ReturnType<typeof locateEnvelope>;
  try {
    located = locateEnvelope(carrier.files);
  } catch (e) {
    // "No manifest.json" alone hides why: say what broke in the carrier first (a bad tar header,
    // an unsupported compression method) when that is what cost us the manifest.
    const carrierError = carrier.problems.find((p) => p.severity === 'error');
    if (e instanceof EnvelopeError && e.code === 'no-manifest' && carrierError) {
      throw new EnvelopeError('corrupt-archive', `${carrierError.message} ${e.message}`, [...carrier.problems, ...e.problems]);
    }
    throw e;
  }
  append(problems, located.problems);
  throwIfAborted(signal);
  const rootName = located.root.replace(/\/$/, '').split('/').pop() || carrier.name;
  const at = (p: string) => located.files.get(p);

  // 2. Manifest: without it there is nothing to open.
  const manifestBytes = await at('manifest.json')!.bytes();
  const manifestJson = readJson(manifestBytes, 'manifest.json');
  if (!manifestJson.ok) throw new EnvelopeError('bad-manifest', manifestJson.problems[0]!.message, manifestJson.problems);
  append(problems, manifestJson.problems);
  if (!isObject(manifestJson.value)) {
    throw new EnvelopeError('bad-manifest', 'manifest.json does not hold a JSON object. It is not a JMIX manifest.');
  }
  const manifestRaw = manifestJson.value;
  const manifest = normaliseManifest(manifestRaw, problems);
  const schemaProblems = validate(manifestRaw, manifestSchema, 'manifest.json');

  // 3. Audit, JWS, ciphertext, plain payload.
  const auditFile = at('audit.json');
  let audit: Envelope['audit'] = [];
  let auditRaw: unknown = null;
  // Why audit.json could not be used in full (unreadable, no list, skipped entries): the audit check warns.
  const auditDamage: string[] = [];
  if (auditFile) {
    const r = readJson(await auditFile.bytes(), 'audit.json');
    append(problems, r.problems);
    if (!r.ok) append(auditDamage, r.problems.map((p) => p.message));
    if (r.ok) {
      auditRaw = r.value;
      const sink: Problem[] = [];
      audit = normaliseAudit(r.value, sink);
      append(problems, sink);
      append(auditDamage, sink.map((p) => p.message));
      append(schemaProblems, validate(r.value, auditSchema, 'audit.json'));
    }
  }
  const jwsName = manifest.jwsFile && at(manifest.jwsFile) ? manifest.jwsFile : at('manifest.jws') ? 'manifest.jws' : null;
  const ciphertextName = CIPHERTEXT_NAMES.find((n) => at(n)) ?? null;
  const plainPayload = [...located.files.entries()].filter(([p]) => p.startsWith('payload/')).map(([p, f]) => toPayloadFile(p.slice('payload/'.length), f));
  const encrypted = manifest.encryption !== null || (ciphertextName !== null && plainPayload.length === 0);
  const hasRootReadme = located.files.has('README.md') || located.ignored.some((p) => p === joinRoot(located.root, 'README.md'));

  checks.push(structureCheck({ manifestId: manifest.id, hasAudit: !!auditFile, encrypted, ciphertextName, hasEncryptionBlock: manifest.encryption !== null, plainCount: plainPayload.length, ignored: located.ignored, problems: [...carrier.problems, ...located.problems] }));

  // 4. Decrypt: one-shot for ordinary payloads, streamed (bounded memory) for large ones.
  let payload: PayloadFile[] | null = encrypted ? null : plainPayload;
  let ciphertextHash: (() => Promise<string>) | null = null;
  let plaintextTarHash: (() => Promise<string>) | null = null;
  let streamedFileHashes: Map<string, string> | null = null;
  let streamedHeaders: Map<string, HeaderResult> | undefined;
  let decryption: Envelope['decryption'] = null;
  let hkdfProducer: 'jmix-js' | 'jmix-rs' | 'jmix-php' | null = null;
  let tarLayout: 'payload-prefix' | 'dot-root' | 'files-only' | null = null;
  if (encrypted) {
    const cipherFile = ciphertextName ? at(ciphertextName)! : null;
    if (!cipherFile || !manifest.encryption) {
      checks.push({ id: 'decrypt', status: 'fail', title: 'Encrypted payload cannot be opened', detail: !cipherFile ? 'The manifest says the payload is encrypted, but there is no payload.encrypted or payload.enc file next to it. The envelope is incomplete: ask the sender for the whole envelope.' : 'There is an encrypted payload file but the manifest has no security.encryption block (ephemeral key, IV, tag), so it cannot be decrypted.' });
    } else {
      const streamed = cipherFile.blob !== undefined && cipherFile.size >= (options.streamAbove?.decrypt ?? STREAM_DECRYPT_BYTES) && !!manifest.encryption.authTag;
      const ciphertext = streamed ? null : await cipherFile.bytes();
      ciphertextHash = memo(async () => (ciphertext ? toHex(await hasher.sha256([ciphertext])) : hashBlob(cipherFile.blob!, undefined, signal)));
      if (options.key === undefined || options.key === null || (typeof options.key === 'string' && options.key.trim() === '')) {
        checks.push({ id: 'decrypt', status: 'unverifiable', title: 'Encrypted: a recipient key is needed', detail: `The payload is encrypted (${ciphertextName}, ${cipherFile.size.toLocaleString('en')} bytes, AES-256-GCM for an X25519 recipient key). Enter the recipient private key to decrypt and verify it.` });
      } else {
        let key: Uint8Array;
        try {
          key = parseRecipientKey(options.key);
        } catch (e) {
          if (e instanceof KeyFormatError) throw new EnvelopeError('bad-key', e.message);
          throw e;
        }
        progress({ stage: 'decrypting', done: 0, total: cipherFile.size });
        throwIfAborted(signal);
        try {
          const looksJs = 'envelope_id' in manifestRaw || 'jmix_version' in manifestRaw;
          const order = defaultOrder({ ciphertextName: ciphertextName!, manifestLooksJs: looksJs });
          let out: { infoString: string; producer: 'jmix-js' | 'jmix-rs' | 'jmix-php'; tagSource: 'manifest' | 'file-tail' };
          let tarProblems: Problem[];
          if (streamed) {
            // Each producer's payload_hash recipe, computed on the way when the dialect suggests it.
            const s = await decryptPayloadStreaming({
              ciphertext: cipherFile.blob!,
              origin: ciphertextName!,
              encryption: manifest.encryption,
              privateKey: key,
              order,
              confident: ciphertextName === 'payload.enc' || looksJs,
              hasher,
              wantCiphertextHash: !looksJs && ciphertextName !== 'payload.enc',
              wantTarHash: ciphertextName === 'payload.enc',
              ...(options.streamChunkBytes ? { chunkSize: options.streamChunkBytes } : {}),
              ...(options.streamInMemoryUpTo !== undefined ? { inMemoryUpTo: options.streamInMemoryUpTo } : {}),
              // DICOM headers are parsed as the files stream past, so indexing reads nothing back.
              inspect: { bytes: HEADER_PREFIX_BYTES, file: (name, head, size) => parseDicomHeader(head, name, size) },
              signal,
              onProgress: (done, total) => progress({ stage: 'decrypting', done, total }),
            });
            const { tarHash, ciphertextHash: cipherHex } = s;
            if (cipherHex) ciphertextHash = async () => cipherHex;
            plaintextTarHash = tarHash ? async () => tarHash : null;
            streamedFileHashes = s.fileHashes;
            streamedHeaders = s.inspected;
            payload = [...s.files].map(([p, x]) => payloadFileFrom(p, x));
            out = { infoString: s.infoString, producer: s.producer, tagSource: 'manifest' };
            tarProblems = s.problems;
            tarLayout = s.layout;
          } else {
            const o = await decryptPayload({ ciphertext: ciphertext!, encryption: manifest.encryption, privateKey: key, order });
            const plaintext = o.plaintext;
            plaintextTarHash = memo(async () => toHex(await hasher.sha256([plaintext])));
            const tar = payloadFilesFromTar(plaintext, ciphertextName!);
            payload = [...tar.files.entries()].map(([p, bytes]) => ({ path: p, size: bytes.length, bytes: async () => bytes }));
            out = o;
            tarProblems = tar.problems;
            tarLayout = tar.layout;
          }
          progress({ stage: 'decrypting', done: cipherFile.size, total: cipherFile.size });
          hkdfProducer = out.producer;
          decryption = { infoString: out.infoString, ciphertextFile: ciphertextName! };
          append(problems, tarProblems);
          // Authenticated bytes can still be a damaged or hostile tar (whoever holds the recipient's
          // public key can encrypt anything): its problems must show in the check, not only the list.
          const tarIssues = tarProblems.filter((p) => p.severity !== 'info');
          // A tar that other tools would read differently releases nothing: no reading is covered.
          const tarRefused = tarProblems.some((p) => p.fatal);
          const title = tarRefused ? 'Decrypted and authenticated, but the payload tar inside can be read more than one way' : tarIssues.length ? 'Decrypted and authenticated, but the payload tar inside is damaged' : 'Decrypted and authenticated';
          checks.push({ id: 'decrypt', status: tarRefused ? 'fail' : tarIssues.length ? 'warn' : 'pass', title, detail: `AES-256-GCM authenticated the payload with the HKDF info string "${out.infoString}" (${out.producer}), tag from the ${out.tagSource === 'manifest' ? 'manifest' : 'end of the file'}${streamed ? ', decrypted as a stream' : ''}. ${payload.length} file(s) in the payload.${tarIssues.length ? ` ${tarIssues.map((p) => p.message).join(' ')}` : ''}`, data: { infoString: out.infoString, producer: out.producer, tarLayout, streamed } });
          if (tarRefused) {
            payload = null;
            streamedFileHashes = null;
            streamedHeaders = undefined;
          }
        } catch (e) {
          if (!(e instanceof DecryptError)) throw e;
          checks.push({ id: 'decrypt', status: 'fail', title: e.reason === 'auth-failed' ? 'Could not decrypt: wrong key or damaged payload' : 'Could not decrypt: the encryption parameters are invalid', detail: e.message, data: { tried: e.tried } });
        }
      }
    }
  } else {
    checks.push({ id: 'decrypt', status: 'not-present', title: 'Not encrypted', detail: 'The payload is stored in plain form (payload/ folder).' });
  }
  throwIfAborted(signal);

  // 5. Metadata and files.json (inside the payload).
  const byPath = new Map((payload ?? []).map((f) => [f.path, f]));
  let metadata: Envelope['metadata'] = null;
  let metadataHasDicomBlock: boolean | null = null;
  const metaFile = byPath.get('metadata.json');
  if (metaFile) {
    const r = readJson(await metaFile.bytes(), 'payload/metadata.json');
    append(problems, r.problems);
    if (r.ok && isObject(r.value)) {
      metadata = normaliseMetadata(r.value, problems);
      metadataHasDicomBlock = isObject(r.value.dicom);
      if (!metadataHasDicomBlock) append(schemaProblems, validate(r.value, metadataSchema, 'payload/metadata.json'));
    } else if (r.ok) problems.push({ severity: 'warning', file: 'payload/metadata.json', pointer: '', message: 'metadata.json does not hold a JSON object; it was ignored.' });
  } else if (payload) {
    problems.push({ severity: 'warning', file: 'payload/metadata.json', pointer: '', message: 'The payload has no metadata.json; patient and study details come from the DICOM headers only.' });
  }
  let filesJson: FilesJsonEntry[] | null = null;
  const filesJsonFile = byPath.get('files.json');
  const filesJsonDamage: string[] = [];
  if (filesJsonFile) {
    const r = readJson(await filesJsonFile.bytes(), 'payload/files.json');
    append(problems, r.problems);
    if (!r.ok) append(filesJsonDamage, r.problems.map((p) => p.message));
    if (r.ok) {
      const sink: Problem[] = [];
      filesJson = normaliseFilesJson(r.value, sink);
      append(problems, sink);
      append(filesJsonDamage, sink.map((p) => p.message));
      append(schemaProblems, validate(r.value, filesSchema, 'payload/files.json'));
    }
  }

  // 6. Dialect (needed to order the hash recipes), then integrity.
  const manifestText = new TextDecoder().decode(manifestBytes);
  const jwsText = jwsName ? new TextDecoder().decode(await at(jwsName)!.bytes()).trim() : null;
  const entities = [manifest.sender, manifest.requester, ...manifest.receivers];
  const { dialect, evidence } = detectDialect({
    manifestRaw,
    manifestText,
    rootName,
    hasRootReadme,
    ciphertextName,
    hkdfProducer,
    tarLayout,
    jwsTyp: jwsText ? jwsHeaderTyp(jwsText) : null,
    filesJsonListsMetadata: filesJson ? filesJson.some((e) => e.file === 'metadata.json') : null,
    metadataHasDicomBlock,
    auditEvents: audit.map((a) => a.event),
    fingerprints: entities.map((e) => e?.assertion?.signingKey?.fingerprint ?? '').filter(Boolean),
    keyReferenceNull: /"key_reference"\s*:\s*null/.test(manifestText),
  });

  progress({ stage: 'verifying', done: 0, total: payload?.length ?? 0 });
  // A plain payload's files are read once: hashed, and their DICOM headers parsed on the way.
  const readHeaders = new Map<string, HeaderResult>();
  const fileHashes = memo(
    async () =>
      streamedFileHashes ??
      hashFiles(payload ?? [], hasher, signal, (done, total) => progress({ stage: 'verifying', done, total }), (f, bytes) => readHeaders.set(f.path, parseDicomHeader(bytes, f.path))),
  );
  checks.push(await checkPayloadHash({ declared: manifest.payloadHash, dialectHint: dialect, payload, fileHashes, ciphertextHash, plaintextTarHash, hasher }));
  const filesChecked = await checkFilesJson(filesJson, payload, fileHashes);
  // An unreadable or malformed files.json is not "absent" and its skipped entries are not "all match".
  if (filesJsonDamage.length && (filesChecked.status === 'pass' || filesChecked.status === 'not-present')) {
    filesChecked.status = 'warn';
    filesChecked.title = 'files.json is damaged: per-file checks are incomplete';
    filesChecked.detail = `${filesJsonDamage.join(' ')} ${filesChecked.detail}`;
  }
  checks.push(filesChecked);
  throwIfAborted(signal);

  // 7. Signatures.
  const trust = { trustedPublicKeys: options.trustedPublicKeys ?? [], rememberedSenders: options.rememberedSenders ?? [] };
  const jwsChecked = await manifestJwsCheck(jwsName, jwsText, manifestBytes, manifestRaw, trust);
  checks.push(jwsChecked, originCheck(jwsChecked, manifestRaw, trust));
  for (const [role, entity, index] of [
    ['sender', manifestRaw.sender, undefined],
    ['requester', manifestRaw.requester, undefined],
    ...receiverList(manifestRaw).map((r, i) => ['receiver', r, i] as const),
  ] as const) {
    const id = (role === 'receiver' ? `assertion:receiver:${index}` : `assertion:${role}`) as Check['id'];
    if (!isObject(entity) || !isObject(entity.assertion)) {
      if (role !== 'receiver' || isObject(entity)) checks.push({ id, status: 'not-present', title: `No ${role} assertion`, detail: `The ${role}${index !== undefined ? ` #${index + 1}` : ''} entry carries no signed assertion, so ${role === 'sender' ? 'who sent this' : 'this party'} is as claimed, not proven.` });
      continue;
    }
    const r = await verifyAssertion({ manifest: manifestRaw, role, index, entity, now });
    checks.push(describeAssertion({ id, ...r }));
  }
  const audited = await auditCheck(auditFile !== undefined, audit, auditRaw, manifestRaw, now);
  if (auditDamage.length && (audited.status === 'pass' || audited.status === 'not-present')) {
    audited.status = 'warn';
    audited.title = 'audit.json is damaged: the audit trail is incomplete';
    audited.detail = `${auditDamage.join(' ')} ${audited.detail}`;
  }
  checks.push(audited);
  checks.push({
    id: 'schema',
    status: schemaProblems.length ? 'warn' : 'pass',
    title: schemaProblems.length ? `${schemaProblems.length} difference(s) from the published JMIX schemas` : 'Matches the published JMIX schemas',
    detail: schemaProblems.length
      ? `${dialect === 'jmix-js' ? 'jmix-js writes its own key names (envelope_id, created_at, receivers…), which the spec schemas do not define. ' : ''}${schemaProblems.slice(0, 20).map((p) => `${p.file}${p.pointer}: ${p.message}`).join(' ')}${schemaProblems.length > 20 ? ` …and ${schemaProblems.length - 20} more.` : ''}`
      : 'manifest.json, audit.json, metadata.json and files.json (where present) validate against the spec schemas.',
    data: { problems: schemaProblems },
  });
  append(problems, schemaProblems);

  // 8. DICOM: the study model comes from the headers, never from metadata claims.
  let dicom: DicomIndex | null = null;
  if (payload) {
    progress({ stage: 'indexing', done: 0, total: payload.length });
    const candidates = payload.filter((f) => f.path !== 'metadata.json' && f.path !== 'files.json' && !f.path.startsWith('files/') && !f.path.startsWith('preview/'));
    dicom = await indexDicom(candidates, { parsed: streamedHeaders ?? readHeaders, signal, onProgress: (done, total) => progress({ stage: 'indexing', done, total }) });
    append(problems, dicom.problems);
  }
  checks.push(dicomCheck(dicom, encrypted && payload === null));

  const reportFile = metadata?.reportFile ?? manifest.reportFile;
  const report = resolveReport(reportFile, byPath, payload !== null);
  if (report && !report.present && report.declared) problems.push({ severity: 'warning', file: metadata?.reportFile ? 'payload/metadata.json' : 'manifest.json', pointer: '/report/file', message: `The report "${report.declared}" is referenced but is not in the payload.` });

  const envelope: Envelope = {
    id: manifest.id,
    dialect,
    encrypted,
    payloadAvailable: payload !== null,
    carrier: { kind: carrier.kind, name: carrier.name, root: located.root, ignored: located.ignored },
    manifest,
    manifestBytes,
    metadata,
    audit,
    filesJson,
    payload: payload ?? [],
    report,
    decryption,
  };
  const coverage = coverageOf({ payload, checks, hasAudit: auditFile !== undefined });
  return { envelope, report: buildReport({ dialect, evidence, encrypted, envelopeId: manifest.id, checks, coverage, problems, now }), dicom };
}

function joinRoot(root: string, name: string): string {
  return root ? `${root.replace(/\/$/, '')}/${name}` : name;
}

function toPayloadFile(path: string, f: EntryFile): PayloadFile {
  return { path, size: f.size, bytes: () => f.bytes() };
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= fn());
}

/** SHA-256 of every file; `inspect` sees each file's bytes while they are at hand (headers are parsed there). */
async function hashFiles(files: readonly PayloadFile[], hasher: Hasher, signal: AbortSignal | undefined, onProgress: (done: number, total: number) => void, inspect?: (file: PayloadFile, bytes: Uint8Array) => void): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  let done = 0;
  // A few in flight keeps a worker pool busy without holding every file's copy at once.
  const worker = async () => {
    while (next < files.length) {
      throwIfAborted(signal);
      const f = files[next++]!;
      const bytes = await f.bytes();
      const hash = hasher.sha256([bytes]);
      inspect?.(f, bytes);
      out.set(f.path, toHex(await hash));
      onProgress(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, files.length) }, worker));
  return out;
}

function jwsHeaderTyp(jws: string): string | null {
  try {
    const h = JSON.parse(new TextDecoder().decode(base64UrlDecode(jws.split('.')[0] ?? ''))) as unknown;
    return isObject(h) && typeof h.typ === 'string' ? h.typ : null;
  } catch {
    return null;
  }
}

function base64UrlDecode(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function auditCheck(present: boolean, audit: Envelope['audit'], _raw: unknown, manifestRaw: JsonObject, now: Date): Promise<Check> {
  if (!present) return { id: 'audit', status: 'not-present', title: 'No audit trail', detail: 'The envelope has no audit.json.' };
  const signed = audit.filter((a) => a.assertion);
  const lines = audit.map((a) => `${a.timestamp ?? '(no time)'} ${a.event}${a.by?.name || a.by?.id ? ` by ${a.by.name ?? a.by.id}` : ''}${a.to?.name || a.to?.id ? ` to ${a.to.name ?? a.to.id}` : ''}`);
  if (!signed.length) return { id: 'audit', status: 'pass', title: `Audit trail: ${audit.length} event(s), none signed`, detail: lines.join('; ') || 'The audit trail is empty.' };
  const results: string[] = [];
  let failed = 0;
  let ok = 0;
  for (const [i, a] of audit.entries()) {
    if (!a.assertion) continue;
    // No producer signs audit entries yet; verify as a manifest assertion over the entry's context.
    const r = await verifyAssertion({ manifest: { ...manifestRaw, ...a.raw }, role: 'sender', entity: { ...a.raw, assertion: a.raw.assertion }, now });
    if (r.status === 'fail') failed++;
    else if (r.status === 'pass' || r.status === 'warn') ok++;
    results.push(`entry ${i + 1} (${a.event}): ${r.title}`);
  }
  return {
    id: 'audit',
    status: failed ? 'unverifiable' : ok === signed.length ? 'pass' : 'warn',
    title: failed ? `${failed} signed audit entr${failed === 1 ? 'y' : 'ies'} could not be verified` : `Audit trail: ${audit.length} event(s), ${ok} signature(s) verified`,
    detail: `${lines.join('; ')}. ${results.join('; ')}.${failed ? ' The spec does not fix what an audit signature covers, so an unmatched signature cannot be told apart from a different canonical form.' : ''}`,
  };
}

function dicomCheck(dicom: DicomIndex | null, locked: boolean): Check {
  if (locked || !dicom) return { id: 'dicom', status: 'unverifiable', title: 'DICOM not read yet', detail: 'The images are inside the encrypted payload.' };
  const series = dicom.studies.reduce((n, s) => n + s.series.length, 0);
  const images = dicom.studies.reduce((n, s) => n + s.series.reduce((m, se) => m + se.instances.length, 0), 0);
  if (images === 0) return { id: 'dicom', status: dicom.nonDicom.length ? 'warn' : 'not-present', title: 'No DICOM images in the payload', detail: dicom.nonDicom.length ? `Files that are not DICOM images: ${dicom.nonDicom.map((n) => `${n.path} (${n.reason})`).join('; ')}.` : 'The payload holds no DICOM files.' };
  const notes: string[] = [];
  if (dicom.nonDicom.length) notes.push(`${dicom.nonDicom.length} file(s) are not DICOM images: ${dicom.nonDicom.slice(0, 5).map((n) => `${n.path} (${n.reason})`).join('; ')}.`);
  if (dicom.duplicateSopInstances.length) notes.push(`${dicom.duplicateSopInstances.length} SOP Instance UID(s) appear in more than one file: ${dicom.duplicateSopInstances.slice(0, 3).map((d) => d.paths.join(' = ')).join('; ')}.`);
  if (dicom.dicomdir.length) notes.push(`DICOMDIR index file(s) listed, not shown: ${dicom.dicomdir.join(', ')}.`);
  // Readable headers can still describe an image that will not display (short Pixel Data, zero
  // rows, an unknown transfer syntax): a damaged image must not hide behind a passing check.
  const damaged = dicom.problems.filter((p) => p.severity === 'warning' && !dicom.nonDicom.some((n) => p.file === `payload/${n.path}`) && !/share SOP Instance UID|different patients/.test(p.message));
  if (damaged.length) notes.push(`${damaged.length} image(s) may not display: ${damaged.slice(0, 5).map((p) => `${p.file}: ${p.message}`).join('; ')}.`);
  const headerWarnings = dicom.problems.filter((p) => p.severity !== 'info');
  if (headerWarnings.length) {
    // One line per kind of warning, not per file: 1,000 short files should read as one finding.
    const kinds = new Map<string, string[]>();
    for (const p of headerWarnings) {
      const kind = p.message.replace(/\d+/g, 'N');
      const files = kinds.get(kind);
      if (files) files.push(p.file);
      else kinds.set(kind, [p.file]);
    }
    for (const files of kinds.values()) {
      const example = headerWarnings.find((p) => p.file === files[0])!;
      notes.push(`${files.length} file(s): ${example.message}${files.length > 1 ? ` (e.g. ${files.slice(0, 3).join(', ')})` : ` (${files[0]})`}.`);
    }
  }
  return {
    id: 'dicom',
    status: notes.length ? 'warn' : 'pass',
    title: `${images} DICOM instance(s) in ${series} series, ${dicom.studies.length} study(ies)`,
    detail: [`Read from the DICOM headers.`, ...notes].join(' '),
    data: { studies: dicom.studies.length, series, images },
  };
}

function resolveReport(declared: string | null, byPath: Map<string, PayloadFile>, available: boolean): Envelope['report'] {
  const anyPdf = [...byPath.keys()].find((p) => p.startsWith('files/') && p.toLowerCase().endsWith('.pdf')) ?? null;
  if (!declared) return anyPdf ? { declared: null, path: anyPdf, present: true } : null;
  if (!available) return { declared, path: null, present: false };
  const clean = declared.replace(/\\/g, '/').replace(/^\.?\//, '').replace(/^payload\//, '');
  const base = clean.split('/').pop() ?? clean;
  for (const p of [clean, `files/${base}`]) if (byPath.has(p)) return { declared, path: p, present: true };
  return { declared, path: anyPdf, present: anyPdf !== null };
}

export type { Dialect };
