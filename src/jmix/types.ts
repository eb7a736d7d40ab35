// The contracts of the envelope core. Everything here is plain data: no DOM, no Node APIs.
// Bytes flow one way: carrier (folder/zip/tar) -> EntryFile[] -> located envelope ->
// decrypted payload -> verification report + typed model.
import type { PayloadFile } from '../common/files.ts';
import type { Problem } from '../common/problem.ts';

/** A file as found in whatever carried the envelope, before we know where the envelope root is. */
export interface EntryFile {
  /** Path relative to the carrier root, '/' separators, no leading './' or '/'. */
  path: string;
  /** Size in bytes (as declared by the carrier; checked again when read). */
  size: number;
  /** Where it came from, for messages: 'folder', 'zip:name.zip', 'tar:name.tar.gz', 'payload.encrypted'. */
  origin: string;
  /** The file's bytes. May be called more than once; implementations may cache. */
  bytes(): Promise<Uint8Array>;
  /** The underlying Blob/File when there is one, so the file can be handed to a worker unread. */
  blob?: Blob;
}

/** What the user handed us. */
export type EnvelopeSource =
  | { kind: 'files'; files: EntryFile[]; name?: string }
  | { kind: 'bytes'; bytes: Uint8Array; name: string }
  /** A single archive file not read yet: large zips are then read lazily, entry by entry. */
  | { kind: 'blob'; blob: Blob; name: string };

export type CarrierKind = 'folder' | 'zip' | 'tar' | 'tar.gz';

export type { Problem, Severity } from '../common/problem.ts';

export type Dialect = 'spec' | 'jmix-js' | 'jmix-rs' | 'jmix-php' | 'unknown';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'not-present' | 'unverifiable';

export type CheckId =
  | 'structure'
  | 'schema'
  | 'decrypt'
  | 'payload-hash'
  | 'files-json'
  | 'manifest-jws'
  | 'origin'
  | 'assertion:sender'
  | 'assertion:requester'
  | `assertion:receiver:${number}`
  | 'audit'
  | 'dicom';

export interface Check {
  id: CheckId;
  status: CheckStatus;
  /** One short line, e.g. "Payload hash matches (jmix-js recipe)". */
  title: string;
  /** Everything a specialist needs to judge the check: values, recipes tried, fingerprints, dates. */
  detail: string;
  /** Machine-readable facts behind the check (recipe name, expected/computed hashes, ...). */
  data?: Record<string, unknown>;
}

export type Verdict = 'pass' | 'warn' | 'fail';

/**
 * The coverage invariant as data. The payload files shown are exactly the files the matched
 * payload-hash recipe covered; without a match, a file is covered only if files.json verified it.
 */
export interface Coverage {
  /** The recipe whose hash covered every payload file, or null when none matched. */
  payloadRecipe: string | null;
  /** Payload files (paths relative to payload/) that no check covers. Shown only with that mark. */
  uncoveredFiles: string[];
  /** manifest.json: covered by a verified manifest.jws ('signed'), all but php's late fields, or nothing. */
  manifest: 'signed' | 'signed-except-late-fields' | 'not-covered';
  /** audit.json sits outside the payload and the signature: never covered by either. */
  audit: 'not-covered' | 'absent';
}

/** An Ed25519 public key the user trusts, as given: pasted, loaded from a file, or remembered for a sender. */
export interface TrustedKey {
  /** base64 or base64url of the 32-byte key. */
  publicKey: string;
  /** Set when the key was remembered with "Trust this sender": it is trusted for this sender id only. */
  senderId?: string;
  senderName?: string | null;
}

export interface VerificationReport {
  verdict: Verdict;
  /** The verdict in one sentence a patient understands ("Genuine and complete", ...). */
  headline: string;
  dialect: Dialect;
  /** Why we named that dialect: the fingerprints we saw. */
  dialectEvidence: string[];
  encrypted: boolean;
  envelopeId: string | null;
  checks: Check[];
  /** What each part of the envelope is covered by: every byte shown is covered, or listed here as not. */
  coverage: Coverage;
  problems: Problem[];
  /** ISO time the report was made (the clock of the machine that made it). */
  generatedAt: string;
}

// ---------------------------------------------------------------------------------------------
// The typed model.

export interface ContactPoint {
  system: string;
  value: string;
}

export interface SigningKey {
  alg: string;
  publicKey: string;
  fingerprint: string;
}

export interface Assertion {
  signingKey: SigningKey | null;
  keyReference: string | null;
  signedFields: string[];
  signature: string;
  expiresAt: string | null;
  directoryAttestation: Record<string, unknown> | null;
}

export interface Entity {
  name: string | null;
  id: string | null;
  contact: string | ContactPoint | null;
  assertion: Assertion | null;
}

export interface EncryptionInfo {
  algorithm: string;
  ephemeralPublicKey: string;
  iv: string;
  authTag: string | null;
}

export interface Consent {
  status: string | null;
  scope: string[];
  method: string | null;
  signedOn: string | null;
}

export interface PersonName {
  text: string | null;
  family: string | null;
  given: string[];
  prefix: string | null;
  suffix: string | null;
}

export interface Identifier {
  system: string | null;
  value: string;
  /** Human label when we recognise the system, e.g. "Australian IHI". */
  label: string | null;
}

export interface Patient {
  id: string | null;
  name: PersonName | null;
  dob: string | null;
  sex: string | null;
  identifiers: Identifier[];
  /** Which file told us (manifest.json for jmix-js, metadata.json otherwise). */
  source: string;
}

export interface Manifest {
  version: string | null;
  id: string | null;
  timestamp: string | null;
  sender: Entity | null;
  requester: Entity | null;
  receivers: Entity[];
  classification: string | null;
  payloadHash: string | null;
  encryption: EncryptionInfo | null;
  jwsFile: string | null;
  customTags: string[];
  consent: Consent | null;
  deidKeys: string[];
  /** jmix-js puts patient PII and the report reference in the manifest. */
  patient: Patient | null;
  reportFile: string | null;
  /** Fields we do not know, kept and shown, keyed by JSON pointer. */
  unknownFields: Record<string, unknown>;
  /** The parsed JSON as written. */
  raw: Record<string, unknown>;
}

export interface SeriesClaim {
  seriesUid: string | null;
  modality: string | null;
  bodyPart: string | null;
  instanceCount: number | null;
  description: string | null;
}

export interface StudyClaim {
  studyUid: string | null;
  description: string | null;
  date: string | null;
  series: SeriesClaim[];
}

/** payload/metadata.json, spec or jmix-js shape, normalised. What the sender *claims*; DICOM is the truth. */
export interface Metadata {
  patient: Patient | null;
  study: StudyClaim | null;
  reportFile: string | null;
  /** jmix-js keeps the patient as the DICOM headers named it, separately. */
  dicomPatient: { name: string | null; id: string | null; dob: string | null; sex: string | null } | null;
  extensions: Record<string, unknown>;
  raw: Record<string, unknown>;
}

export interface AuditEntry {
  event: string;
  timestamp: string | null;
  by: { id: string | null; name: string | null } | null;
  to: { id: string | null; name: string | null } | null;
  assertion: Assertion | null;
  raw: Record<string, unknown>;
}

export interface FilesJsonEntry {
  file: string;
  hash: string | null;
  sizeBytes: number | null;
}

export type { PayloadFile } from '../common/files.ts';

export interface Envelope {
  id: string | null;
  dialect: Dialect;
  encrypted: boolean;
  /** True once the payload is readable (plain, or decrypted and authenticated). */
  payloadAvailable: boolean;
  carrier: {
    kind: CarrierKind;
    name: string;
    /** The folder inside the carrier that holds manifest.json ('' at the root). */
    root: string;
    /** Carrier entries we ignored (__MACOSX, .DS_Store, README.md, ...). */
    ignored: string[];
  };
  manifest: Manifest;
  /** Raw bytes of manifest.json as stored (hashes and JWS are over bytes, never re-serialised JSON). */
  manifestBytes: Uint8Array;
  metadata: Metadata | null;
  audit: AuditEntry[];
  filesJson: FilesJsonEntry[] | null;
  payload: PayloadFile[];
  /** The report file named by metadata/manifest, resolved against the payload. */
  report: { declared: string | null; path: string | null; present: boolean } | null;
  /** Decryption facts: which HKDF info string authenticated. */
  decryption: { infoString: string; ciphertextFile: string } | null;
}
