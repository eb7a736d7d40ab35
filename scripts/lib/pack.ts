// Our own envelope writer: lays out, hashes, encrypts and signs an envelope the way each real
// producer does (INTEROP §1–§7), so tests, the demo and the benchmark can exercise every dialect
// without the producers themselves. Pure TypeScript (no Node APIs): it also runs in a browser.
import { gzipSync } from 'fflate';
import { writeTar, type TarInputFile } from '../../src/jmix/archive/tar.ts';
import { writeZip } from '../../src/jmix/archive/zip.ts';
import { signAssertion } from '../../src/jmix/crypto/assertions.ts';
import { signManifestJws } from '../../src/jmix/crypto/jws.ts';
import { encryptPayload, type Producer } from '../../src/jmix/crypto/payload-cipher.ts';
import { inThreadHasher, toHex } from '../../src/jmix/hash.ts';
import { recipeA, recipeBText } from '../../src/jmix/payload-hash.ts';

export type PackDialect = 'spec' | 'jmix-js' | 'jmix-rs' | 'jmix-php';

export type Tamper =
  /** Flip a byte of a DICOM file after the hashes were computed (before encryption). */
  | 'payload-byte'
  /** Flip a byte of the encrypted payload file. */
  | 'ciphertext-byte'
  /** Flip a byte of the GCM tag in the manifest. */
  | 'tag-byte'
  /** Change the sender's name after signing. */
  | 'manifest-after-signing'
  /** files.json lists a wrong hash for one file (payload_hash computed over the lie). */
  | 'files-json-lie'
  /** Remove one DICOM file after hashing. */
  | 'remove-file'
  /** Add a file to the payload after hashing. */
  | 'add-file';

export interface PackPatient {
  name: string;
  id: string;
  birthDate: string; // YYYYMMDD (DICOM) or YYYY-MM-DD
  sex: string;
  ihi?: string;
}

export interface PackStudy {
  studyUid: string;
  description: string;
  date: string;
  series: { seriesUid: string; modality: string; description?: string; bodyPart?: string; count: number }[];
}

export interface PackOptions {
  dialect: PackDialect;
  /** Files relative to payload/, e.g. 'dicom/ct/IM0001.dcm', 'files/report.pdf'. */
  payloadFiles: { path: string; bytes: Uint8Array }[];
  /** Recipient X25519 public key: encrypt the payload for it. */
  encryptTo?: Uint8Array;
  /** Ed25519 seed: sign manifest.jws and the sender/requester/receiver assertions (not jmix-js: it cannot sign). */
  signWith?: Uint8Array;
  /** Ed25519 seed for manifest.jws alone, as jmix-rs does (its JWS key is recorded nowhere); default signWith. */
  jwsWith?: Uint8Array;
  /** Sign the assertions with an expiry (RFC 3339). */
  assertionExpiresAt?: string;
  tamper?: Tamper;
  id?: string;
  timestamp?: string;
  patient?: PackPatient;
  study?: PackStudy;
  /** Path of the report relative to payload/ (default: the first files/*.pdf). */
  reportFile?: string;
}

export interface PackedEnvelope {
  id: string;
  dialect: PackDialect;
  /** '<id>.JMIX' or '<id>.jmix' (jmix-rs). */
  rootName: string;
  encrypted: boolean;
  /** Paths relative to the envelope root. */
  files: { path: string; bytes: Uint8Array }[];
}

const enc = new TextEncoder();
const HKDF_PRODUCER: Record<PackDialect, Producer> = { 'jmix-js': 'jmix-js', 'jmix-rs': 'jmix-rs', 'jmix-php': 'jmix-php', spec: 'jmix-php' };

export const DEFAULT_SENDER = { name: 'Harbour Imaging', id: 'org:harbour-imaging', contact: 'radiology@harbour-imaging.example' };
export const DEFAULT_REQUESTER = { name: 'Dr Ada Lovelace', id: 'prac:ada-lovelace', contact: { system: 'email', value: 'ada@clinic.example' } };
export const DEFAULT_RECEIVER = { name: 'Northside Specialist Clinic', id: 'org:northside-clinic', contact: 'second-opinion@northside.example' };
const DEFAULT_PATIENT: PackPatient = { name: 'SYNTHETIC^PATIENT', id: 'SYN-0001', birthDate: '19700101', sex: 'O', ihi: '8003608166690503' };
const IHI_SYSTEM = 'http://ns.electronichealth.net.au/id/hi/ihi/1.0';

/** JSON as each producer formats it (INTEROP §6): 2-space (js, rs, spec) or PHP's 4-space with \u escapes. */
export function producerJson(value: unknown, dialect: PackDialect): Uint8Array {
  if (dialect !== 'jmix-php') return enc.encode(JSON.stringify(value, null, 2));
  const text = JSON.stringify(value, null, 4).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return enc.encode(text);
}

function isoDate(d: string): string {
  return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;
}

function splitName(dicomName: string): { family: string; given: string[]; text: string } {
  const [family = '', given = ''] = dicomName.split('^');
  const givenList = given ? given.split(' ') : [];
  return { family, given: givenList, text: [...givenList, family].filter(Boolean).join(' ') };
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  const i = Math.max(0, Math.min(copy.length - 1, at));
  copy[i] = copy[i]! ^ 0xff;
  return copy;
}

function metadataFor(dialect: PackDialect, id: string, timestamp: string, patient: PackPatient, study: PackStudy | undefined, reportFile: string | null): unknown {
  const name = splitName(patient.name);
  const identifiers = patient.ihi ? [{ system: IHI_SYSTEM, value: patient.ihi }] : [];
  if (dialect === 'jmix-js') {
    return {
      patient: { name: name.text, id: patient.id, dob: isoDate(patient.birthDate), sex: patient.sex, identifiers: patient.ihi ? [{ system: 'IHI', value: patient.ihi, use_field: 'ihi' }] : [] },
      study: { description: study?.description ?? '', uid: study?.studyUid ?? '', date: study ? isoDate(study.date) : '' },
      dicom: {
        patient_name: patient.name,
        patient_id: patient.id,
        patient_dob: isoDate(patient.birthDate),
        patient_sex: patient.sex,
        study_description: study?.description ?? '',
        study_uid: study?.studyUid ?? '',
        study_date: study ? isoDate(study.date) : '',
        modalities: [...new Set(study?.series.map((s) => s.modality) ?? [])],
        series_count: study?.series.length ?? 0,
        instance_count: study?.series.reduce((n, s) => n + s.count, 0) ?? 0,
        series: study?.series.map((s) => ({ series_uid: s.seriesUid, modality: 'UNKNOWN', instance_count: s.count })) ?? [],
      },
      custom_metadata: {},
    };
  }
  return {
    version: '1.0',
    id,
    timestamp,
    patient: {
      id: patient.id,
      name: dialect === 'jmix-rs' ? { family: name.family, given: name.given, text: `${name.family}, ${name.given.join(' ')}` } : name,
      dob: isoDate(patient.birthDate),
      sex: patient.sex,
      identifiers,
    },
    report: { file: reportFile ?? '' },
    studies: {
      study_description: study?.description ?? '',
      study_uid: study?.studyUid ?? '',
      series: study?.series.map((s) => ({ series_uid: s.seriesUid, modality: s.modality, ...(s.bodyPart ? { body_part: s.bodyPart } : {}), instance_count: s.count })) ?? [],
    },
    extensions: dialect === 'jmix-php' ? { custom_tags: ['synthetic', 'second-opinion'] } : { custom_tags: ['synthetic', 'second-opinion'], consent: { status: 'granted', scope: ['treatment'], method: 'written' } },
  };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await inThreadHasher.sha256([bytes]));
}

function asPayloadFiles(files: { path: string; bytes: Uint8Array }[]) {
  return files.map((f) => ({ path: f.path, size: f.bytes.length, bytes: async () => f.bytes }));
}

export async function packEnvelope(opts: PackOptions): Promise<PackedEnvelope> {
  const { dialect, tamper } = opts;
  const id = opts.id ?? globalThis.crypto.randomUUID();
  const now = new Date();
  const timestamp = opts.timestamp ?? (dialect === 'jmix-js' ? now.toISOString() : now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const patient = opts.patient ?? DEFAULT_PATIENT;

  // 1. Payload layout. jmix-rs flattens dicom/ to basenames.
  let payload = opts.payloadFiles.map((f) => ({ path: dialect === 'jmix-rs' ? flattenDicomPath(f.path, opts.payloadFiles) : f.path, bytes: f.bytes }));
  const reportFile = opts.reportFile ?? payload.find((f) => f.path.startsWith('files/') && f.path.endsWith('.pdf'))?.path ?? null;
  payload.unshift({ path: 'metadata.json', bytes: producerJson(metadataFor(dialect, id, timestamp, patient, opts.study, reportFile), dialect) });

  // 2. files.json as each producer writes it (jmix-js: never).
  if (dialect !== 'jmix-js') {
    const listed = dialect === 'jmix-rs' ? payload : payload.filter((f) => f.path.startsWith('files/') || (dialect === 'spec' && f.path.startsWith('dicom/')));
    if (dialect === 'jmix-rs' || listed.some((f) => f.path.startsWith('files/'))) {
      const entries = [];
      for (const f of [...listed].sort((a, b) => (dialect === 'jmix-php' ? (a.path < b.path ? -1 : 1) : 0))) {
        const hex = await sha256Hex(f.bytes);
        entries.push({ file: f.path, hash: dialect === 'spec' ? hex : `sha256:${hex}`, size_bytes: f.bytes.length });
      }
      if (tamper === 'files-json-lie' && entries.length) entries[entries.length - 1]!.hash = `sha256:${'0'.repeat(64)}`;
      payload.push({ path: 'files.json', bytes: producerJson(entries, dialect) });
    }
  }

  // 3. Plaintext hashes (before any tampering, as the honest producer computed them).
  const plainFiles = asPayloadFiles(payload);
  let payloadHash: string;
  if (dialect === 'jmix-js' || (dialect === 'jmix-rs' && !opts.encryptTo)) payloadHash = `sha256:${await recipeA(plainFiles)}`;
  else if (!opts.encryptTo) {
    const hashes = new Map<string, string>();
    for (const f of payload) hashes.set(f.path, await sha256Hex(f.bytes));
    payloadHash = `sha256:${await sha256Hex(enc.encode(recipeBText(plainFiles, hashes)))}`;
  } else payloadHash = ''; // rs: tar hash; php/spec: ciphertext hash — filled in below.

  const firstDicom = payload.findIndex((f) => f.path.startsWith('dicom/'));
  if (tamper === 'payload-byte' && firstDicom >= 0) payload[firstDicom] = { ...payload[firstDicom]!, bytes: flip(payload[firstDicom]!.bytes, payload[firstDicom]!.bytes.length - 3) };
  if (tamper === 'remove-file' && firstDicom >= 0) payload.splice(firstDicom, 1);
  if (tamper === 'add-file') payload.push({ path: 'dicom/extra-not-from-sender.dcm', bytes: enc.encode('added after the envelope was made') });

  // 4. Encryption: each producer's tar layout and HKDF info string.
  let encryption: Awaited<ReturnType<typeof encryptPayload>>['encryption'] | null = null;
  let ciphertext: Uint8Array | null = null;
  if (opts.encryptTo) {
    const tar = payloadTar(payload, dialect);
    if (dialect === 'jmix-rs') payloadHash = `sha256:${await sha256Hex(tar)}`;
    const sealed = await encryptPayload(tar, opts.encryptTo, HKDF_PRODUCER[dialect]);
    ciphertext = sealed.ciphertext;
    encryption = sealed.encryption;
    if (dialect === 'jmix-php' || dialect === 'spec') payloadHash = `sha256:${await sha256Hex(ciphertext)}`;
    if (tamper === 'ciphertext-byte') ciphertext = flip(ciphertext, Math.floor(ciphertext.length / 2));
    if (tamper === 'tag-byte') {
      const tag = Uint8Array.from(atob(encryption.auth_tag), (c) => c.charCodeAt(0));
      tag[0] = tag[0]! ^ 0x01;
      encryption = { ...encryption, auth_tag: btoa(String.fromCharCode(...tag)) };
    }
  }

  // 5. Manifest, assertions, JWS.
  const signing = opts.signWith && dialect !== 'jmix-js' ? opts.signWith : null;
  const style = dialect === 'jmix-php' ? 'php' : 'rs';
  const sender = { ...DEFAULT_SENDER };
  const requester = { ...DEFAULT_REQUESTER };
  const receiver = [{ ...DEFAULT_RECEIVER }];
  let manifest: Record<string, unknown>;
  if (dialect === 'jmix-js') {
    manifest = {
      jmix_version: '1.0',
      envelope_id: id,
      created_at: timestamp,
      sender,
      receivers: receiver,
      patient: { name: splitName(patient.name).text, id: patient.id, dob: isoDate(patient.birthDate), sex: patient.sex, identifiers: patient.ihi ? [{ system: 'IHI', value: patient.ihi, use_field: 'ihi' }] : [] },
      security: { classification: 'confidential', payload_hash: payloadHash, ...(encryption ? { encryption } : {}) },
      requester,
      consent: { status: 'granted', scope: ['treatment'], method: 'written' },
      custom_tags: ['synthetic', 'second-opinion'],
      report: { file: reportFile ?? 'files/radiology-report.pdf' },
      deid_keys: [],
    };
  } else {
    const security: Record<string, unknown> = { classification: 'confidential', payload_hash: payloadHash };
    if (signing && dialect !== 'jmix-rs') security.jws = { jws_file: 'manifest.jws' };
    if (encryption) security.encryption = encryption;
    manifest = {
      version: '1.0',
      id,
      timestamp,
      sender,
      requester,
      receiver,
      security,
      extensions:
        dialect === 'jmix-php'
          ? { custom_tags: ['synthetic', 'second-opinion'] }
          : { custom_tags: ['synthetic', 'second-opinion'], consent: { status: 'granted', scope: ['treatment'], method: 'written', ...(dialect === 'jmix-rs' ? { signed_on: timestamp.slice(0, 10) } : {}) }, deid: { keys: ['PatientName', 'PatientID'] } },
    };
  }
  if (signing) {
    const expiresAt = opts.assertionExpiresAt;
    (sender as Record<string, unknown>).assertion = signAssertion({ manifest, role: 'sender', seed32: signing, style, ...(expiresAt ? { expiresAt } : {}) });
    (requester as Record<string, unknown>).assertion = signAssertion({ manifest, role: 'requester', seed32: signing, style, ...(expiresAt ? { expiresAt } : {}) });
    (receiver[0] as Record<string, unknown>).assertion = signAssertion({ manifest, role: 'receiver', index: 0, seed32: signing, style, ...(expiresAt ? { expiresAt } : {}) });
  }
  let manifestBytes = producerJson(manifest, dialect);
  let jws: string | null = null;
  if (signing) {
    if (style === 'php') {
      // jmix-php signs a compact snapshot taken before payload_hash, jws and encryption were set.
      const snapshot = { ...manifest, security: { classification: 'confidential', payload_hash: '' } };
      jws = signManifestJws(JSON.stringify(snapshot), opts.jwsWith ?? signing, 'php');
    } else jws = signManifestJws(manifestBytes, opts.jwsWith ?? signing, 'rs');
  }
  if (tamper === 'manifest-after-signing') {
    sender.name = 'Someone Else Imaging';
    manifestBytes = producerJson(manifest, dialect);
  }

  // 6. Audit trail.
  const by = { id: sender.id, name: sender.name };
  const to = { id: receiver[0]!.id, name: receiver[0]!.name };
  const audit =
    dialect === 'jmix-js'
      ? [{ event: 'envelope_created', timestamp, by, to }]
      : dialect === 'jmix-rs'
        ? [{ event: 'created', by, timestamp }, ...receiver.map((r) => ({ event: 'transmitted', by: { id: requester.id, name: requester.name }, to: { id: r.id, name: r.name }, timestamp }))]
        : [{ event: 'created', by, timestamp }];

  // 7. Files at the envelope root.
  const files: { path: string; bytes: Uint8Array }[] = [
    { path: 'manifest.json', bytes: manifestBytes },
    { path: 'audit.json', bytes: producerJson({ audit }, dialect) },
  ];
  if (jws) files.push({ path: 'manifest.jws', bytes: enc.encode(jws) });
  if (dialect === 'jmix-rs') files.push({ path: 'README.md', bytes: enc.encode(`# JMIX envelope ${id}\n\nGenerated by a jmix-rs-style packer (JMIX Viewer fixtures).\n`) });
  if (ciphertext) files.push({ path: dialect === 'jmix-rs' ? 'payload.enc' : 'payload.encrypted', bytes: ciphertext });
  else for (const f of payload) files.push({ path: `payload/${f.path}`, bytes: f.bytes });

  return { id, dialect, rootName: `${id}.${dialect === 'jmix-rs' ? 'jmix' : 'JMIX'}`, encrypted: !!ciphertext, files };
}

/**
 * jmix-rs flattens payload/dicom/ to basenames, and same-named files overwrite each other there.
 * We keep its flat layout but not its data loss: a clashing basename keeps its folder as a prefix.
 */
function flattenDicomPath(path: string, all: readonly { path: string }[]): string {
  if (!path.startsWith('dicom/')) return path;
  const base = path.split('/').pop()!;
  const clashes = all.filter((f) => f.path.startsWith('dicom/') && f.path.split('/').pop() === base).length > 1;
  return clashes ? `dicom/${path.slice('dicom/'.length).replace(/\//g, '_')}` : `dicom/${base}`;
}

/** The plaintext tar each producer encrypts (INTEROP §3). */
export function payloadTar(payload: { path: string; bytes: Uint8Array }[], dialect: PackDialect): Uint8Array {
  const dirs = new Set<string>();
  for (const f of payload) {
    const segs = f.path.split('/');
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
  }
  const sortedDirs = [...dirs].sort();
  let entries: TarInputFile[];
  if (dialect === 'jmix-js') {
    entries = [{ name: 'payload/', type: 'directory' }, ...sortedDirs.map((d) => ({ name: `payload/${d}/`, type: 'directory' as const })), ...payload.map((f) => ({ name: `payload/${f.path}`, data: f.bytes }))];
    return writeTar(entries, 'ustar');
  }
  if (dialect === 'jmix-rs') {
    entries = [{ name: './', type: 'directory' }, ...sortedDirs.map((d) => ({ name: `./${d}/`, type: 'directory' as const })), ...payload.map((f) => ({ name: `./${f.path}`, data: f.bytes }))];
    return writeTar(entries, 'gnu');
  }
  if (dialect === 'jmix-php') return writeTar(payload.map((f) => ({ name: f.path, data: f.bytes })), 'php');
  entries = [...sortedDirs.map((d) => ({ name: `${d}/`, type: 'directory' as const })), ...payload.map((f) => ({ name: f.path, data: f.bytes }))];
  return writeTar(entries, 'ustar');
}

export type ZipLayout = 'root' | 'wrapped';

export function toZip(env: PackedEnvelope, layout: ZipLayout): Uint8Array {
  const prefix = layout === 'wrapped' ? `${env.rootName}/` : '';
  // Ciphertext does not compress: store it, as Info-ZIP does when deflate gains nothing.
  return writeZip(env.files.map((f) => ({ name: prefix + f.path, data: f.bytes, ...(/^payload\.enc(rypted)?$/.test(f.path) ? { level: 0 } : {}) })));
}

export function toTarGz(env: PackedEnvelope, layout: ZipLayout = 'wrapped'): Uint8Array {
  const prefix = layout === 'wrapped' ? `${env.rootName}/` : '';
  return gzipSync(writeTar(env.files.map((f) => ({ name: prefix + f.path, data: f.bytes })), 'ustar'), { level: 6 });
}
