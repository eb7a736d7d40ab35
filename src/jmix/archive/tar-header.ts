// Tar headers as every JMIX producer writes them (INTEROP §3): POSIX ustar with the 155-byte
// prefix (jmix-js via node-tar, jmix-php via PharData), GNU tar with ././@LongLink (jmix-rs), PAX
// extended headers (Python, GNU --format=posix), and old v7 archives. The fields, the checksum and
// the PAX records; tar.ts parses the stream, tar-write.ts writes each layout.
import type { Problem } from '../types.ts';
import { isAllZero } from '../crypto/bytes.ts';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The name as stored (after PAX / GNU long-name resolution); not normalised. */
  name: string;
  type: TarEntryType;
  /** Bytes of data that follow the header (0 for links and devices). */
  size: number;
  /** A view into the archive bytes, not a copy. */
  data: Uint8Array;
  linkName: string | null;
  mode: number;
  /** Seconds since 1970 (may be fractional from PAX). */
  mtime: number;
}

export interface TarReadResult {
  entries: TarEntry[];
  problems: Problem[];
}

/** An entry's header, as the push parser announces it; its data follows in pieces. */
export type TarEntryHeader = Omit<TarEntry, 'data'>;

export const BLOCK = 512;
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
export const latin1 = new TextDecoder('latin1');

/** Text up to the first NUL. UTF-8 when valid (what every modern tar writes), else Latin-1. */
export function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  const raw = end === -1 ? bytes : bytes.subarray(0, end);
  try {
    return utf8Strict.decode(raw);
  } catch {
    return latin1.decode(raw);
  }
}

/**
 * Octal text (NUL/space terminated, possibly space padded) or GNU base-256 (high bit of the
 * first byte set; 0xff = negative). An empty field is 0 (jmix-php leaves uid/gid all NUL).
 * Returns null when the field is not a number.
 */
export function parseTarNumber(field: Uint8Array): number | null {
  const first = field[0] ?? 0;
  if (first & 0x80) {
    let value = 0;
    if (first === 0xff) {
      for (const b of field) value = value * 256 + (255 - b);
      value = -(value + 1);
    } else {
      value = first & 0x7f;
      for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    }
    return Number.isSafeInteger(value) ? value : null;
  }
  let i = 0;
  while (i < field.length && field[i] === 0x20) i++;
  let value = 0;
  let digits = 0;
  for (; i < field.length; i++) {
    const c = field[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return null;
    value = value * 8 + (c - 0x30);
    digits++;
  }
  for (; i < field.length; i++) if (field[i] !== 0 && field[i] !== 0x20) return null;
  return digits === 0 ? 0 : value;
}

/** Header checksums: unsigned (POSIX) and signed (some historic tars), chksum field as spaces. */
export function headerChecksums(header: Uint8Array): [number, number] {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return [unsigned, signed];
}

/** True when the block is a tar header whose checksum holds (used to sniff v7 tars). */
export function isValidTarHeader(block: Uint8Array): boolean {
  if (block.length < BLOCK || isAllZero(block.subarray(0, BLOCK))) return false;
  const stored = parseTarNumber(block.subarray(148, 156));
  const [unsigned, signed] = headerChecksums(block);
  return stored !== null && (stored === unsigned || stored === signed);
}

export function parsePax(data: Uint8Array, where: string, problems: Problem[], origin: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // some writers NUL-pad the record block
    const space = data.indexOf(0x20, pos);
    const length = space === -1 ? NaN : Number(latin1.decode(data.subarray(pos, space)));
    if (!Number.isInteger(length) || length <= 0 || pos + length > data.length || data[pos + length - 1] !== 0x0a) {
      problems.push({
        severity: 'warning',
        file: origin,
        pointer: '',
        message: `${where}: malformed PAX record at byte ${pos} of the extended header; the rest of that header was ignored.`,
      });
      break;
    }
    const record = new TextDecoder('utf-8').decode(data.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}

export function entryType(typeflag: string, name: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file everywhere but a few 1980s systems
      return name.endsWith('/') ? 'directory' : 'file'; // v7 tars mark directories by the slash
    case '5':
      return 'directory';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    default:
      return 'other';
  }
}

// Link and device entries carry no data even when a writer fills in the size field.
export const NO_DATA_TYPES = new Set(['1', '2', '3', '4', '6']);
/** Long names and PAX records are small; more than this in one meta entry is not a real archive. */
export const MAX_META_BYTES = 1 << 20;
