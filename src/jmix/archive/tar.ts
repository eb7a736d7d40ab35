// Tar reading for every layout the JMIX producers write (INTEROP §3): POSIX ustar with the
// 155-byte prefix (jmix-js via node-tar, jmix-php via PharData), GNU tar with ././@LongLink
// (jmix-rs), PAX extended headers (Python, GNU --format=posix), and old v7 archives.
// Writing is for our own fixtures and tests: it reproduces each producer's layout.
import type { Problem } from '../types.ts';
import { printable } from '../paths.ts';

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

const BLOCK = 512;
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');
const utf8 = new TextEncoder();

function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Text up to the first NUL. UTF-8 when valid (what every modern tar writes), else Latin-1. */
function cString(bytes: Uint8Array): string {
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
function headerChecksums(header: Uint8Array): [number, number] {
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

function parsePax(data: Uint8Array, where: string, problems: Problem[], origin: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // some writers NUL-pad the record block
    const space = data.indexOf(0x20, pos);
    const length = space === -1 ? NaN : Number(latin1.decode(data.subarray(pos, space)));
    if (!Number.isInteger(length) || length <= 0 || pos + length > data.length || data[pos + length - 1] !== 0x0a) {
      problems.push({ severity: 'warning', file: origin, pointer: '', message: `${where}: malformed PAX record at byte ${pos} of the extended header; the rest of that header was ignored.` });
      break;
    }
    const record = new TextDecoder('utf-8').decode(data.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}

function entryType(typeflag: string, name: string): TarEntryType {
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
const NO_DATA_TYPES = new Set(['1', '2', '3', '4', '6']);
/** Long names and PAX records are small; more than this in one meta entry is not a real archive. */
const MAX_META_BYTES = 1 << 20;

/** An entry's header, as the push parser announces it; its data follows in pieces. */
export type TarEntryHeader = Omit<TarEntry, 'data'>;

export interface TarSink {
  entry(header: TarEntryHeader): void;
  /** A piece of the current entry's data: a view into the pushed chunk, valid during the call. */
  data(piece: Uint8Array): void;
  entryEnd(): void;
}

/**
 * A push parser: feed the archive in chunks of any size (a decrypting stream, or one whole buffer)
 * and it announces entries and their data pieces without ever holding more than one header.
 * Damage is recorded as problems; after an error the rest of the input is ignored.
 */
export class TarParser {
  readonly problems: Problem[] = [];
  private mode: 'header' | 'meta' | 'data' | 'skip' | 'ended' | 'failed' = 'header';
  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private offset = 0; // absolute offset of the next byte to consume
  private headerOffset = 0;
  private headerNo = 0;
  private remaining = 0; // data (or meta) bytes still due for the current header
  private dataLength = 0;
  private skip = 0;
  private current: { name: string; typeflag: string } | null = null;
  private meta: Uint8Array | null = null;
  private metaFill = 0;
  private longName: string | null = null;
  private longLink: string | null = null;
  private pax: Record<string, string> = {};
  private pendingMeta = false;
  private lastEntryName: string | null = null;
  private dataAfterEnd = false;

  constructor(
    private readonly origin: string,
    private readonly sink: TarSink,
  ) {}

  private error(message: string): void {
    this.problems.push({ severity: 'error', file: this.origin, pointer: '', message });
    this.mode = 'failed';
  }

  private where(): string {
    return `${this.origin}: header #${this.headerNo} at byte offset ${this.headerOffset}`;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length && this.mode !== 'ended' && this.mode !== 'failed') {
      const left = chunk.length - pos;
      if (this.mode === 'header') {
        if (this.headerFill === 0) this.headerOffset = this.offset;
        const n = Math.min(left, BLOCK - this.headerFill);
        this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
        this.headerFill += n;
        pos += n;
        this.offset += n;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.onHeader();
        }
      } else if (this.mode === 'data' || this.mode === 'meta') {
        const n = Math.min(left, this.remaining);
        const piece = chunk.subarray(pos, pos + n);
        if (this.mode === 'data') {
          if (n > 0) this.sink.data(piece);
        } else {
          this.meta!.set(piece, this.metaFill);
          this.metaFill += n;
        }
        this.remaining -= n;
        pos += n;
        this.offset += n;
        if (this.remaining === 0) this.onDataEnd();
      } else {
        const n = Math.min(left, this.skip);
        this.skip -= n;
        pos += n;
        this.offset += n;
        if (this.skip === 0) this.mode = 'header';
      }
    }
    if (this.mode === 'ended') this.checkAfterEnd(chunk.subarray(pos));
    if (this.mode === 'ended' || this.mode === 'failed') this.offset += chunk.length - pos;
  }

  /**
   * After the end-of-archive blocks only zero padding may follow. Anything else (a second tar
   * appended, `tar -r` onto a closed archive) is a second reading: this parser stops at the end
   * blocks, while tools that read on (tar --ignore-zeros, some extractors) would find entries that
   * nothing here checked. Reported once, as fatal: the structure check fails on it.
   */
  private checkAfterEnd(rest: Uint8Array): void {
    if (this.dataAfterEnd) return;
    const i = rest.findIndex((b) => b !== 0);
    if (i === -1) return;
    this.dataAfterEnd = true;
    this.problems.push({
      severity: 'error',
      file: this.origin,
      pointer: '',
      fatal: true,
      message: `${this.origin}: data follows the end-of-archive blocks (non-zero bytes at byte offset ${this.offset + i}, after entry "${printable(this.lastEntryName ?? '(none)')}"), e.g. a second archive appended. This viewer stops at the end blocks, but tools that read on (tar --ignore-zeros, some extractors) would find entries that no check here covers. Ask the sender for the archive made again.`,
    });
  }

  private onHeader(): void {
    const header = this.header;
    this.headerNo++;
    if (isAllZero(header)) {
      this.mode = 'ended'; // end-of-archive; what follows is record padding
      return;
    }
    const where = this.where();
    const stored = parseTarNumber(header.subarray(148, 156));
    const [unsigned, signed] = headerChecksums(header);
    if (stored === null || (stored !== unsigned && stored !== signed)) {
      const storedText = stored === null ? `unreadable "${latin1.decode(header.subarray(148, 156)).replace(/\0/g, '\\0')}"` : String(stored);
      this.error(`${where}: header checksum mismatch (stored ${storedText}, computed ${unsigned}). The archive is damaged${this.headerNo === 1 ? ' or is not a tar archive' : ''}; nothing from this header on can be read.`);
      return;
    }
    const typeflag = String.fromCharCode(header[156]!);
    const magic = latin1.decode(header.subarray(257, 263));
    let name = cString(header.subarray(0, 100));
    // Only POSIX ustar has the prefix field; GNU tar keeps atime/ctime in those bytes.
    if (magic === 'ustar\0') {
      const prefix = cString(header.subarray(345, 500));
      if (prefix) name = `${prefix}/${name}`;
    }
    const headerSize = parseTarNumber(header.subarray(124, 136));
    if (headerSize === null || headerSize < 0) {
      this.error(`${where} ("${name}"): the size field is not a number; the archive is damaged.`);
      return;
    }
    const isMeta = typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'X' || typeflag === 'g';
    let size = headerSize;
    if (!isMeta && this.pax.size !== undefined) {
      const paxSize = Number(this.pax.size);
      if (!Number.isSafeInteger(paxSize) || paxSize < 0) {
        this.error(`${where} ("${name}"): its PAX size "${this.pax.size}" is not a byte count.`);
        return;
      }
      size = paxSize;
    }
    const dataLength = NO_DATA_TYPES.has(typeflag) ? 0 : size;
    this.dataLength = dataLength;
    this.remaining = dataLength;
    this.skip = Math.ceil(dataLength / BLOCK) * BLOCK - dataLength;
    this.current = { name, typeflag };
    if (isMeta) {
      if (dataLength > MAX_META_BYTES) {
        this.error(`${where}: a ${typeflag === 'L' || typeflag === 'K' ? 'long-name' : 'PAX'} header of ${dataLength} bytes is far larger than any real one; the archive is damaged or hostile.`);
        return;
      }
      this.meta = new Uint8Array(dataLength);
      this.metaFill = 0;
      this.mode = 'meta';
    } else {
      const finalName = this.pax.path ?? this.longName ?? name;
      const type = entryType(typeflag, finalName);
      const isLink = type === 'symlink' || type === 'hardlink';
      const paxMtime = this.pax.mtime !== undefined ? Number(this.pax.mtime) : NaN;
      this.sink.entry({
        name: finalName,
        type,
        size: dataLength,
        linkName: isLink ? (this.pax.linkpath ?? this.longLink ?? cString(header.subarray(157, 257))) : null,
        mode: parseTarNumber(header.subarray(100, 108)) ?? 0,
        mtime: Number.isFinite(paxMtime) ? paxMtime : (parseTarNumber(header.subarray(136, 148)) ?? 0),
      });
      this.current = { name: finalName, typeflag };
      this.lastEntryName = finalName;
      this.longName = null;
      this.longLink = null;
      this.pax = {};
      this.pendingMeta = false;
      this.mode = 'data';
    }
    if (this.remaining === 0) this.onDataEnd();
  }

  private onDataEnd(): void {
    const { typeflag } = this.current!;
    if (this.mode === 'meta') {
      const data = this.meta!;
      this.meta = null;
      if (typeflag === 'L') this.longName = cString(data);
      else if (typeflag === 'K') this.longLink = cString(data);
      else if (typeflag === 'x' || typeflag === 'X') this.pax = { ...this.pax, ...parsePax(data, this.where(), this.problems, this.origin) };
      // 'g': global PAX defaults (e.g. git's commit comment): nothing we use
      if (typeflag !== 'g') this.pendingMeta = true;
    } else {
      this.sink.entryEnd();
    }
    this.mode = this.skip > 0 ? 'skip' : 'header';
  }

  /** End of input: report truncation and a missing end-of-archive marker. */
  finish(): Problem[] {
    const where = this.where();
    if (this.mode === 'header' && this.headerFill > 0) {
      if (isAllZero(this.header.subarray(0, this.headerFill))) this.mode = 'ended';
      else {
        this.headerNo++;
        this.headerOffset = this.offset - this.headerFill;
        this.error(`${this.where()}: only ${this.headerFill} of its 512 header bytes are present; the archive is truncated (${BLOCK - this.headerFill} bytes missing).`);
      }
    } else if (this.mode === 'data' || this.mode === 'meta') {
      const available = this.dataLength - this.remaining;
      this.error(`${where} ("${this.current!.name}"): declares ${this.dataLength} bytes of data but only ${available} remain; the archive is truncated (${this.remaining} bytes missing).`);
    } else if (this.mode === 'skip') {
      this.mode = 'header'; // missing padding after the last entry: its data is whole
    }
    if (this.mode !== 'failed' && this.pendingMeta) {
      this.problems.push({ severity: 'error', file: this.origin, pointer: '', message: `${this.origin}: the archive ends after a long-name/PAX header with no entry for it to describe; it is truncated.` });
    } else if (this.mode !== 'failed' && this.mode !== 'ended' && this.offset > 0) {
      this.problems.push({ severity: 'warning', file: this.origin, pointer: '', message: `${this.origin}: the archive ends without the zero blocks that close a tar file; it may have been cut off after entry "${this.lastEntryName ?? '(none)'}".` });
    }
    return this.problems;
  }
}

/** The whole archive in memory: entries with zero-copy views of their data. */
export function readTar(bytes: Uint8Array, origin: string): TarReadResult {
  const entries: TarEntry[] = [];
  let current: TarEntryHeader | null = null;
  let start = -1;
  const parser = new TarParser(origin, {
    entry(h) {
      current = h;
      start = -1;
    },
    data(piece) {
      if (start < 0) start = piece.byteOffset - bytes.byteOffset;
    },
    entryEnd() {
      const h = current!;
      // One chunk in, so an entry's data is one contiguous view of it.
      const data = h.size === 0 ? bytes.subarray(0, 0) : bytes.subarray(start, start + h.size);
      entries.push({ ...h, data });
      current = null;
    },
  });
  parser.push(bytes);
  return { entries, problems: parser.finish() };
}

// ---------------------------------------------------------------------------------------------
// Writing

export type TarStyle = 'ustar' | 'gnu' | 'php';

export interface TarInputFile {
  name: string;
  data?: Uint8Array;
  type?: 'file' | 'directory';
}

const MAX_OCTAL_11 = 0o77777777777; // largest size an 11-digit octal field holds (8 GiB - 1)

function writeString(h: Uint8Array, offset: number, length: number, bytes: Uint8Array): void {
  h.set(bytes.subarray(0, length), offset);
}

function writeOctal(h: Uint8Array, offset: number, length: number, value: number): void {
  writeString(h, offset, length, utf8.encode(value.toString(8).padStart(length - 1, '0') + '\0'));
}

function writeBase256(h: Uint8Array, offset: number, length: number, value: number): void {
  let v = value;
  for (let i = length - 1; i > 0; i--) {
    h[offset + i] = v % 256;
    v = Math.floor(v / 256);
  }
  h[offset] = 0x80;
}

function finishChecksum(h: Uint8Array, style: TarStyle): void {
  h.fill(0x20, 148, 156);
  const sum = headerChecksums(h)[0];
  // PharData writes 7 digits and a space; POSIX and GNU write 6 digits, NUL, space.
  const text = style === 'php' ? sum.toString(8).padStart(7, '0') + ' ' : sum.toString(8).padStart(6, '0') + '\0 ';
  writeString(h, 148, 8, utf8.encode(text));
}

function makeHeader(nameField: Uint8Array, typeflag: string, size: number, style: TarStyle, isDir: boolean, prefix?: Uint8Array): Uint8Array {
  const h = new Uint8Array(BLOCK);
  writeString(h, 0, 100, nameField);
  writeOctal(h, 100, 8, isDir ? 0o755 : 0o644);
  if (style !== 'php') {
    writeOctal(h, 108, 8, 0);
    writeOctal(h, 116, 8, 0);
  }
  if (size > MAX_OCTAL_11) writeBase256(h, 124, 12, size);
  else writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, 0); // mtime 0: reproducible fixtures, as node-tar portable and PharData
  h[156] = typeflag.charCodeAt(0);
  writeString(h, 257, 8, utf8.encode(style === 'gnu' ? 'ustar  \0' : 'ustar\u000000'));
  if (prefix) writeString(h, 345, 155, prefix);
  finishChecksum(h, style);
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

/** Splits a long name at a '/' so that prefix ≤ 155 bytes and name ≤ 100 bytes (POSIX ustar). */
function splitUstarName(name: Uint8Array): { prefix: Uint8Array; name: Uint8Array } | null {
  const searchEnd = name[name.length - 1] === 0x2f ? name.length - 1 : name.length;
  for (let i = 0; i < searchEnd; i++) {
    if (name[i] !== 0x2f) continue;
    if (i <= 155 && name.length - i - 1 <= 100 && i > 0) return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
  }
  return null;
}

function paxRecord(key: string, value: string): Uint8Array {
  const body = utf8.encode(` ${key}=${value}\n`).length;
  let length = body + 1;
  while (String(length).length + body !== length) length = String(length).length + body;
  return utf8.encode(`${length} ${key}=${value}\n`);
}

export function writeTar(files: TarInputFile[], style: TarStyle): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    const isDir = (file.type ?? 'file') === 'directory';
    if (style === 'php' && isDir) continue; // PharData writes files only
    const data = isDir ? new Uint8Array(0) : (file.data ?? new Uint8Array(0));
    const fullName = isDir && !file.name.endsWith('/') ? `${file.name}/` : file.name;
    const nameBytes = utf8.encode(fullName);
    const typeflag = isDir ? '5' : '0';
    let nameField: Uint8Array = nameBytes;
    let prefix: Uint8Array | undefined;
    let headerSize = data.length;

    if (style === 'gnu') {
      if (nameBytes.length > 100) {
        const longData = new Uint8Array(nameBytes.length + 1);
        longData.set(nameBytes);
        parts.push(makeHeader(utf8.encode('././@LongLink'), 'L', longData.length, style, false), padded(longData));
        nameField = nameBytes.subarray(0, 100);
      }
    } else {
      const paxRecords: Uint8Array[] = [];
      if (nameBytes.length > 100) {
        const split = splitUstarName(nameBytes);
        if (split) {
          nameField = split.name;
          prefix = split.prefix;
        } else if (style === 'ustar') {
          paxRecords.push(paxRecord('path', fullName));
          nameField = nameBytes.subarray(0, 100);
        } else {
          throw new Error(`writeTar(php): "${fullName}" is too long for a ustar name and PharData has no PAX fallback.`);
        }
      }
      if (data.length > MAX_OCTAL_11) {
        if (style === 'php') throw new Error(`writeTar(php): "${fullName}" is larger than 8 GiB.`);
        paxRecords.push(paxRecord('size', String(data.length)));
        headerSize = 0;
      }
      if (paxRecords.length > 0) {
        const paxData = new Uint8Array(paxRecords.reduce((n, r) => n + r.length, 0));
        let at = 0;
        for (const r of paxRecords) {
          paxData.set(r, at);
          at += r.length;
        }
        const baseName = fullName.replace(/\/$/, '').split('/').pop() ?? 'entry';
        parts.push(makeHeader(utf8.encode(`PaxHeader/${baseName}`).subarray(0, 100), 'x', paxData.length, style, false), padded(paxData));
      }
    }
    parts.push(makeHeader(nameField, typeflag, headerSize, style, isDir, prefix));
    if (data.length > 0) parts.push(padded(data));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  let total = parts.reduce((n, p) => n + p.length, 0);
  if (style === 'gnu') total = Math.ceil(total / 10240) * 10240; // GNU tar's default 20-block record
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
