// One typed model from every producer's JSON: spec keys and the jmix-js aliases (envelope_id,
// jmix_version, created_at, receivers, top-level extensions, patient in the manifest), both
// metadata shapes, audit and files.json. Nothing here throws on odd input: wrong types become
// problems, unknown fields are kept.
import { isObject, pointer, type JsonObject } from './json.ts';
import { describe, entryProblems, field, obj, str, strArray, type Sink } from './normalise-fields.ts';
import { normaliseAssertion, normaliseConsent, normaliseEntity, normalisePatient } from './normalise-parties.ts';
export { identifierLabel, normalisePatient } from './normalise-parties.ts';
import type { AuditEntry, Entity, EncryptionInfo, FilesJsonEntry, Manifest, Metadata, SeriesClaim, StudyClaim } from './types.ts';

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
