// Hard limits on what we unpack. A hostile or broken carrier must fail with a clear message
// before it exhausts the tab's memory; a real study stays far below every one of these.
import { EnvelopeError } from './api.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Entries in one carrier. Large CT/MR studies reach a few thousand instances; 50k leaves
 *  room for those while stopping archives built to flood us with tiny entries. */
export const MAX_ENTRIES = 50_000;

/** Sum of unpacked sizes. Everything is held in memory (WebCrypto GCM is one-shot), and a
 *  browser tab rarely gets much more than 4 GiB. */
export const MAX_TOTAL_BYTES = 4 * GiB;

/** One entry. Typed arrays over ~2 GiB are unreliable across browsers, and the encrypted
 *  payload (one file) must fit in one array to be decrypted. */
export const MAX_ENTRY_BYTES = 2 * GiB;

/** Unpacked/compressed ratio. Deflate tops out near 1032:1, which only padding reaches; real
 *  DICOM and JSON compress far less than 200:1. A higher ratio is the signature of a zip bomb. */
export const MAX_COMPRESSION_RATIO = 200;

/** Small entries (mostly empty JSON or zero-filled files) may compress absurdly well and
 *  cost nothing, so the ratio only applies above this size. */
export const COMPRESSION_RATIO_MIN_BYTES = 1 * MiB;

/** Characters in one entry path: PATH_MAX on Linux. Longer names are crafted, not real. */
export const MAX_PATH_LENGTH = 4096;

/** Folders in one entry path. Real envelopes are 4–6 deep; deep nesting is crafted to blow up
 *  recursive tree code. */
export const MAX_PATH_DEPTH = 64;

/** One JSON file (manifest, metadata, audit, files.json). A files.json listing 50k entries is
 *  about 10 MiB; anything bigger is not an envelope's bookkeeping and JSON.parse would stall. */
export const MAX_JSON_BYTES = 32 * MiB;

function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(n % GiB === 0 ? 0 : 2)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 2)} MiB`;
  if (n >= KiB) return `${(n / KiB).toFixed(n % KiB === 0 ? 0 : 2)} KiB`;
  return `${n} bytes`;
}

/**
 * Counts what one carrier unpacks and throws EnvelopeError('limit') at the first limit crossed.
 * Call `entry` with the DECLARED sizes before inflating anything.
 */
export class UnpackBudget {
  private entries = 0;
  private total = 0;
  constructor(private readonly origin: string) {}

  entry(path: string, size: number, compressedSize?: number): void {
    const where = `${this.origin}: entry "${path}"`;
    this.entries += 1;
    if (this.entries > MAX_ENTRIES) {
      throw new EnvelopeError(
        'limit',
        `${this.origin} holds more than ${MAX_ENTRIES.toLocaleString('en')} entries (the limit is ${MAX_ENTRIES}). This is not a JMIX envelope we can open safely.`,
      );
    }
    if (path.length > MAX_PATH_LENGTH) {
      throw new EnvelopeError(
        'limit',
        `${this.origin}: an entry path is ${path.length} characters long (the limit is ${MAX_PATH_LENGTH}); it starts "${path.slice(0, 80)}…".`,
      );
    }
    const depth = path.split('/').length;
    if (depth > MAX_PATH_DEPTH) {
      throw new EnvelopeError('limit', `${where} is nested ${depth} folders deep (the limit is ${MAX_PATH_DEPTH}).`);
    }
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new EnvelopeError('limit', `${where} declares an impossible size (${size}).`);
    }
    if (size > MAX_ENTRY_BYTES) {
      throw new EnvelopeError(
        'limit',
        `${where} is ${formatBytes(size)} unpacked; the limit for one file is ${formatBytes(MAX_ENTRY_BYTES)} (${MAX_ENTRY_BYTES} bytes).`,
      );
    }
    if (compressedSize !== undefined && size > COMPRESSION_RATIO_MIN_BYTES) {
      const ratio = size / Math.max(compressedSize, 1);
      if (ratio > MAX_COMPRESSION_RATIO) {
        throw new EnvelopeError(
          'limit',
          `${where} would expand ${Math.round(ratio)}:1 (${formatBytes(compressedSize)} → ${formatBytes(size)}); the limit is ${MAX_COMPRESSION_RATIO}:1 for files over ${formatBytes(COMPRESSION_RATIO_MIN_BYTES)}. This looks like a zip bomb, so it was not unpacked.`,
        );
      }
    }
    this.total += size;
    if (this.total > MAX_TOTAL_BYTES) {
      throw new EnvelopeError(
        'limit',
        `${this.origin} unpacks to more than ${formatBytes(MAX_TOTAL_BYTES)} (${MAX_TOTAL_BYTES} bytes), the most this viewer holds in memory; stopped at entry "${path}".`,
      );
    }
  }
}

export { formatBytes };

/** JSON nesting depth: JMIX files are about 6 levels deep; 64 leaves room and keeps JSON.parse far from the stack limit. */
export const MAX_JSON_DEPTH = 64;

/** Entries in audit.json. A real trail records a few events per hand-over (created, transmitted,
 *  received); 1,000 is hundreds of hops. Each entry becomes a line in the audit check, and each
 *  signed one an Ed25519 verification, so a million would stall the open for minutes. */
export const MAX_AUDIT_ENTRIES = 1_000;

/** Receivers in one manifest. An envelope goes to one recipient or a few; each receiver is a
 *  check of its own (its assertion is verified) and a row on screen, so 100 is already generous. */
export const MAX_RECEIVERS = 100;

/** Entries in files.json: it lists payload files, and a carrier holds at most MAX_ENTRIES. */
export const MAX_FILES_JSON_ENTRIES = MAX_ENTRIES;

export { MAX_FRAMES_PER_INSTANCE, MAX_TOTAL_FRAMES } from '../dicom/limits.ts';
