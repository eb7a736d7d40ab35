// The zip format's shared pieces: record signatures, little-endian fields, entry names as tools
// decode them, the central directory entry, and the two ways a zip is refused (damaged, ambiguous).
import { EnvelopeError } from '../api.ts';

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_ZIP64_EOCD = 0x06064b50;

export const utf8 = new TextDecoder('utf-8');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
export function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 2 ** 32;
}

export interface CentralEntry {
  name: string;
  /** The name's bytes as stored, to compare with the local header's. */
  rawName: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

export function corrupt(origin: string, what: string): EnvelopeError {
  return new EnvelopeError('corrupt-archive', `${origin}: ${what}. The zip is damaged or truncated; download or create it again.`);
}

/** The zip can be read more than one way: which bytes a tool shows depends on the tool. */
export function ambiguous(origin: string, what: string): EnvelopeError {
  return new EnvelopeError(
    'ambiguous-archive',
    `${origin}: ${what}. Different zip tools would read different files or bytes from it, so what is shown could differ from what was checked. Refusing to open it: ask the sender for the zip made again.`,
  );
}

export function decodeName(raw: Uint8Array, flags: number): string {
  if (flags & 0x800) return utf8.decode(raw);
  try {
    return utf8Strict.decode(raw); // Info-ZIP on Linux/macOS writes UTF-8 without the flag
  } catch {
    return latin1.decode(raw);
  }
}

export const hex32 = (n: number) => n.toString(16).padStart(8, '0');

/** Each extra field in `bytes` from `start` to `end`: its id, where its data starts, and its length. */
export function* extraFields(bytes: Uint8Array, start: number, end: number): Generator<{ id: number; at: number; length: number }> {
  for (let e = start; e + 4 <= end; e += 4 + u16(bytes, e + 2)) yield { id: u16(bytes, e), at: e + 4, length: u16(bytes, e + 2) };
}

export const EXTRA_ZIP64 = 0x0001;

/**
 * The figures with the zip64 extra field (its data at `at`) applied: only the fields whose 32-bit
 * value overflowed (0xffffffff) are in it, in this order. A local header has no offset to give.
 */
export function withZip64Figures<T extends { size: number; compressedSize: number; localOffset?: number }>(
  bytes: Uint8Array,
  at: number,
  figures: T,
): T {
  const out = { ...figures };
  let f = at;
  if (out.size === 0xffffffff) {
    out.size = u64(bytes, f);
    f += 8;
  }
  if (out.compressedSize === 0xffffffff) {
    out.compressedSize = u64(bytes, f);
    f += 8;
  }
  if (out.localOffset === 0xffffffff) out.localOffset = u64(bytes, f);
  return out;
}
