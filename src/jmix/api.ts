// The one entry point's contract: openEnvelope(source, options) -> { envelope, report, dicom }.
import type { DicomIndex } from '../dicom/types.ts';
import type { Hasher } from './hash.ts';
import type { Envelope, Problem, TrustedKey, VerificationReport } from './types.ts';

export type Stage = 'reading' | 'unpacking' | 'decrypting' | 'verifying' | 'indexing';

export interface Progress {
  stage: Stage;
  /** Units done and total in this stage (bytes where that makes sense, else files). 0/0 = unknown. */
  done: number;
  total: number;
}

export interface OpenOptions {
  /** Recipient X25519 private key: base64 text, or the raw 32 bytes / base64 text of a key file. */
  key?: string | Uint8Array;
  /** Ed25519 public keys (base64 or base64url, 32 bytes) the user trusts for manifest.jws, for any sender. */
  trustedPublicKeys?: string[];
  /** Keys remembered with "Trust this sender": trusted only for envelopes naming that sender id. */
  rememberedSenders?: TrustedKey[];
  hasher?: Hasher;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Clock for expiry checks (tests pin it). */
  now?: Date;
  /**
   * Sizes above which large inputs are handled as streams: a zip Blob read lazily entry by entry,
   * an encrypted payload decrypted chunk by chunk. Defaults: 256 MiB and 64 MiB (tests lower them).
   */
  streamAbove?: { zip?: number; decrypt?: number };
  /** Ciphertext bytes per chunk on the streamed path (default DEFAULT_CHUNK_SIZE; tests make it small). */
  streamChunkBytes?: number;
  /** Streamed payloads up to this many bytes stay in memory, larger ones go to Blobs (default: a quarter of device memory). */
  streamInMemoryUpTo?: number;
}

export interface OpenResult {
  envelope: Envelope;
  report: VerificationReport;
  /** The study model from the DICOM headers; null while the payload is not readable. */
  dicom: DicomIndex | null;
}

/**
 * The input cannot be used at all (not an archive, no manifest.json, unreadable JSON, over a limit).
 * Integrity and decryption failures are NOT thrown: they are checks in the report.
 */
export class EnvelopeError extends Error {
  readonly code: string;
  readonly problems: Problem[];
  constructor(code: string, message: string, problems: Problem[] = []) {
    super(message);
    this.name = 'EnvelopeError';
    this.code = code;
    this.problems = problems;
  }
}

export { CancelledError, throwIfAborted } from '../common/abort.ts';
