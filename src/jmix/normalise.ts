// One typed model from every producer's JSON: spec keys and the jmix-js aliases (envelope_id,
// jmix_version, created_at, receivers, top-level extensions, patient in the manifest), both
// metadata shapes, audit and files.json. Nothing here throws on odd input: wrong types become
// problems, unknown fields are kept.
import { isObject, pointer, type JsonObject } from './json.ts';
import { isAustralianIhi } from '../common/identifiers.ts';
import type {
  Assertion,
  AuditEntry,
  Consent,
  ContactPoint,
  Entity,
  EncryptionInfo,
  FilesJsonEntry,
  Identifier,
  Manifest,
  Metadata,
  Patient,
  PersonName,
  Problem,
  SeriesClaim,
  StudyClaim,
} from './types.ts';

type Sink = Problem[];

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function strArray(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str).filter((s): s is string => s !== null) : [];
}

function obj(v: unknown): JsonObject | null {
  return isObject(v) ? v : null;
}

/** Per-entry problems shown in full for one list; the rest are counted in one closing line. */
const MAX_ENTRY_PROBLEMS = 20;

/**
 * Problems about the entries of one list (audit entries, files.json entries, identifiers): the
 * first MAX_ENTRY_PROBLEMS in full, then one line counting the rest, so a list of 50,000 broken
 * entries is one finding in the report and not 50,000 lines.
 */
function entryProblems(sink: Sink, file: string, at: string) {
  let count = 0;
  return {
    add(pointer: string, message: string): void {
      count++;
      if (count <= MAX_ENTRY_PROBLEMS) sink.push({ severity: 'warning', file, pointer, message });
    },
    close(what: string): void {
      if (count > MAX_ENTRY_PROBLEMS)
        sink.push({
          severity: 'warning',
          file,
          pointer: at,
          message: `${(count - MAX_ENTRY_PROBLEMS).toLocaleString('en')} more ${what} (only the first ${MAX_ENTRY_PROBLEMS} are listed one by one).`,
        });
    },
  };
}

/** Read a field, recording a problem when it exists with the wrong type. */
function field(o: JsonObject, key: string, file: string, at: string, sink: Sink, want: 'string' | 'object' | 'array'): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key)) return undefined;
  const v = o[key];
  if (v === null) return null;
  const ok = want === 'string' ? typeof v === 'string' : want === 'array' ? Array.isArray(v) : isObject(v);
  if (!ok) {
    sink.push({
      severity: 'warning',
      file,
      pointer: at + pointer(key),
      message: `Expected ${want === 'array' ? 'an array' : want === 'object' ? 'an object' : 'a string'} but found ${describe(v)}; the value was ignored.`,
    });
    return undefined;
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}

export function identifierLabel(system: string | null, value: string): string | null {
  const sys = (system ?? '').toLowerCase();
  if (isAustralianIhi(system, value)) return 'Australian IHI';
  if (/\bmedicare\b/.test(sys)) return 'Medicare number';
  if (/\bmrn\b|medical record/.test(sys)) return 'Medical record number';
  return null;
}

function normaliseAssertion(v: unknown, file: string, at: string, sink: Sink): Assertion | null {
  const a = obj(v);
  if (!a) return null;
  const sk = obj(a.signing_key);
  if (!sk)
    sink.push({
      severity: 'warning',
      file,
      pointer: at + '/signing_key',
      message: 'The assertion has no signing_key, so its signature cannot be checked.',
    });
  return {
    signingKey: sk ? { alg: str(sk.alg) ?? '', publicKey: str(sk.public_key) ?? '', fingerprint: str(sk.fingerprint) ?? '' } : null,
    keyReference: str(a.key_reference),
    signedFields: strArray(a.signed_fields),
    signature: str(a.signature) ?? '',
    expiresAt: str(a.expires_at),
    directoryAttestation: obj(a.directory_attestation),
  };
}

function normaliseContact(v: unknown): string | ContactPoint | null {
  if (typeof v === 'string') return v;
  const o = obj(v);
  if (o) return { system: str(o.system) ?? '', value: str(o.value) ?? '' };
  return null;
}

function normaliseEntity(v: unknown, file: string, at: string, sink: Sink): Entity | null {
  if (v === undefined || v === null) return null;
  const e = obj(v);
  if (!e) {
    sink.push({ severity: 'warning', file, pointer: at, message: `Expected an object (name, id, contact) but found ${describe(v)}.` });
    return null;
  }
  return {
    name: str(e.name),
    id: str(e.id),
    contact: normaliseContact(e.contact),
    assertion: e.assertion === undefined || e.assertion === null ? null : normaliseAssertion(e.assertion, file, at + '/assertion', sink),
  };
}

function normaliseName(v: unknown): PersonName | null {
  if (typeof v === 'string') return { text: v, family: null, given: [], prefix: null, suffix: null };
  const n = obj(v);
  if (!n) return null;
  const given = Array.isArray(n.given) ? strArray(n.given) : str(n.given) ? [str(n.given)!] : [];
  const family = str(n.family);
  const text = str(n.text) ?? ([...given, family].filter(Boolean).join(' ') || null);
  return { text, family, given, prefix: str(n.prefix), suffix: str(n.suffix) };
}

export function normalisePatient(v: unknown, file: string, at: string, sink: Sink): Patient | null {
  const p = obj(v);
  if (!p) {
    if (v !== undefined && v !== null)
      sink.push({ severity: 'warning', file, pointer: at, message: `Expected the patient as an object but found ${describe(v)}.` });
    return null;
  }
  const identifiers: Identifier[] = [];
  if (Array.isArray(p.identifiers)) {
    const skipped = entryProblems(sink, file, `${at}/identifiers`);
    p.identifiers.forEach((idv, i) => {
      const o = obj(idv);
      const value = o ? str(o.value) : str(idv);
      if (!value) {
        skipped.add(`${at}/identifiers/${i}`, 'An identifier without a value was ignored.');
        return;
      }
      const system = o ? (str(o.system) ?? str(o.use_field)) : null;
      identifiers.push({ system, value, label: identifierLabel(system, value) });
    });
    skipped.close('identifiers without a value were ignored');
  }
  return {
    id: str(p.id),
    name: normaliseName(p.name),
    dob: str(p.dob) ?? str(p.birth_date),
    sex: str(p.sex),
    identifiers,
    source: file,
  };
}

function normaliseConsent(v: unknown): Consent | null {
  const c = obj(v);
  if (!c) return null;
  return {
    status: str(c.status),
    scope: Array.isArray(c.scope) ? strArray(c.scope) : str(c.scope) ? [str(c.scope)!] : [],
    method: str(c.method),
    signedOn: str(c.signed_on),
  };
}

const MANIFEST_KNOWN = new Set([
  'version',
  'jmix_version',
  'id',
  'envelope_id',
  'timestamp',
  'created_at',
  'sender',
  'requester',
  'receiver',
  'receivers',
  'security',
  'extensions',
  'patient',
  'report',
  'custom_tags',
  'consent',
  'deid_keys',
]);
const SECURITY_KNOWN = new Set(['classification', 'payload_hash', 'encryption', 'jws', 'signature']);

export function normaliseManifest(raw: JsonObject, sink: Sink): Manifest {
  const file = 'manifest.json';
  const unknownFields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!MANIFEST_KNOWN.has(k)) unknownFields[pointer(k)] = v;

  const security = obj(field(raw, 'security', file, '', sink, 'object')) ?? {};
  for (const [k, v] of Object.entries(security)) if (!SECURITY_KNOWN.has(k)) unknownFields['/security' + pointer(k)] = v;
  const enc = obj(field(security, 'encryption', file, '/security', sink, 'object'));
  const encryption: EncryptionInfo | null = enc
    ? {
        algorithm: str(enc.algorithm) ?? '',
        ephemeralPublicKey: str(enc.ephemeral_public_key) ?? '',
        iv: str(enc.iv) ?? '',
        authTag: str(enc.auth_tag),
      }
    : null;
  const jws = obj(security.jws);

  const ext = obj(field(raw, 'extensions', file, '', sink, 'object')) ?? {};
  const receiversRaw = raw.receiver !== undefined ? raw.receiver : raw.receivers;
  const receiversKey = raw.receiver !== undefined ? 'receiver' : 'receivers';
  const receivers: Entity[] = [];
  if (Array.isArray(receiversRaw)) {
    receiversRaw.forEach((r, i) => {
      const e = normaliseEntity(r, file, `/${receiversKey}/${i}`, sink);
      if (e) receivers.push(e);
    });
  } else if (receiversRaw !== undefined && receiversRaw !== null) {
    // A single receiver object instead of a list: accept it, say so.
    const e = normaliseEntity(receiversRaw, file, `/${receiversKey}`, sink);
    if (e) receivers.push(e);
    sink.push({ severity: 'warning', file, pointer: `/${receiversKey}`, message: 'Expected a list of receivers; found a single one.' });
  }

  const deid = obj(ext.deid);
  const report = obj(raw.report);
  const version = str(raw.version) ?? str(raw.jmix_version);
  return {
    version,
    id: str(raw.id) ?? str(raw.envelope_id),
    timestamp: str(raw.timestamp) ?? str(raw.created_at),
    sender: normaliseEntity(raw.sender, file, '/sender', sink),
    requester: normaliseEntity(raw.requester, file, '/requester', sink),
    receivers,
    classification: str(security.classification),
    payloadHash: typeof security.payload_hash === 'string' ? security.payload_hash : null,
    encryption,
    jwsFile: jws ? str(jws.jws_file) : null,
    customTags: strArray(ext.custom_tags ?? raw.custom_tags),
    consent: normaliseConsent(ext.consent ?? raw.consent),
    deidKeys: strArray(deid?.keys ?? raw.deid_keys),
    patient: raw.patient === undefined ? null : normalisePatient(raw.patient, file, '/patient', sink),
    reportFile: report ? str(report.file) : null,
    unknownFields,
    raw,
  };
}

function normaliseSeries(v: unknown): SeriesClaim | null {
  const s = obj(v);
  if (!s) return null;
  const count = s.instance_count;
  return {
    seriesUid: str(s.series_uid),
    modality: str(s.modality),
    bodyPart: str(s.body_part),
    instanceCount: typeof count === 'number' ? count : typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : null,
    description: str(s.description) ?? str(s.series_description),
  };
}

export function normaliseMetadata(raw: JsonObject, sink: Sink): Metadata {
  const file = 'payload/metadata.json';
  const studiesSpec = obj(raw.studies);
  const studyJs = obj(raw.study);
  const dicomJs = obj(raw.dicom);
  let study: StudyClaim | null = null;
  if (studiesSpec) {
    study = {
      studyUid: str(studiesSpec.study_uid),
      description: str(studiesSpec.study_description),
      date: str(studiesSpec.study_date),
      series: (Array.isArray(studiesSpec.series) ? studiesSpec.series : [])
        .map(normaliseSeries)
        .filter((s): s is SeriesClaim => s !== null),
    };
  } else if (studyJs || dicomJs) {
    study = {
      studyUid: str(studyJs?.uid) ?? str(dicomJs?.study_uid),
      description: str(studyJs?.description) ?? str(dicomJs?.study_description),
      date: str(studyJs?.date) ?? str(dicomJs?.study_date),
      series: (Array.isArray(dicomJs?.series) ? dicomJs.series : []).map(normaliseSeries).filter((s): s is SeriesClaim => s !== null),
    };
  } else if (raw.studies !== undefined) {
    sink.push({
      severity: 'warning',
      file,
      pointer: '/studies',
      message: `Expected the studies block as an object but found ${describe(raw.studies)}.`,
    });
  }
  const report = obj(raw.report);
  const extensions = obj(raw.extensions) ?? obj(raw.custom_metadata) ?? {};
  return {
    patient: raw.patient === undefined ? null : normalisePatient(raw.patient, file, '/patient', sink),
    study,
    reportFile: report ? str(report.file) : null,
    dicomPatient: dicomJs
      ? { name: str(dicomJs.patient_name), id: str(dicomJs.patient_id), dob: str(dicomJs.patient_dob), sex: str(dicomJs.patient_sex) }
      : null,
    extensions,
    raw,
  };
}

function party(v: unknown): { id: string | null; name: string | null } | null {
  const o = obj(v);
  return o ? { id: str(o.id), name: str(o.name) } : null;
}

export function normaliseAudit(raw: unknown, sink: Sink): AuditEntry[] {
  const file = 'audit.json';
  const list = isObject(raw) ? raw.audit : Array.isArray(raw) ? raw : undefined;
  if (!Array.isArray(list)) {
    sink.push({ severity: 'warning', file, pointer: '/audit', message: 'audit.json has no "audit" list; the audit trail is empty.' });
    return [];
  }
  const out: AuditEntry[] = [];
  const skipped = entryProblems(sink, file, '/audit');
  list.forEach((v, i) => {
    const e = obj(v);
    if (!e) {
      skipped.add(`/audit/${i}`, `Audit entry ${i + 1} is ${describe(v)}, not an object; it was skipped.`);
      return;
    }
    out.push({
      event: str(e.event) ?? '(no event name)',
      timestamp: str(e.timestamp),
      by: party(e.by),
      to: party(e.to),
      assertion: e.assertion ? normaliseAssertion(e.assertion, file, `/audit/${i}/assertion`, sink) : null,
      raw: e,
    });
  });
  skipped.close('audit entries that are not objects were skipped');
  return out;
}

export function normaliseFilesJson(raw: unknown, sink: Sink): FilesJsonEntry[] {
  const file = 'payload/files.json';
  // The spec shape is an array; jmix-js declares (never writes) {files:[{path,size,hash}]}.
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.files) ? raw.files : undefined;
  if (!list) {
    sink.push({ severity: 'warning', file, pointer: '', message: 'files.json is not a list of files; per-file checks were skipped.' });
    return [];
  }
  const out: FilesJsonEntry[] = [];
  const skipped = entryProblems(sink, file, '');
  list.forEach((v, i) => {
    const e = obj(v);
    const name = e ? (str(e.file) ?? str(e.path)) : null;
    if (!e || !name) {
      skipped.add(`/${i}`, `Entry ${i + 1} has no "file" path; it was skipped.`);
      return;
    }
    const size = e.size_bytes ?? e.size;
    out.push({ file: name, hash: str(e.hash), sizeBytes: typeof size === 'number' && Number.isFinite(size) ? size : null });
  });
  skipped.close('entries without a "file" path were skipped');
  return out;
}
