// Tar writing, for our own fixtures and tests: it reproduces each producer's layout (ustar with
// prefix or PAX for jmix-js, GNU ././@LongLink for jmix-rs, PharData's files-only for jmix-php).
import { joinBytes } from '../crypto/bytes.ts';
import { BLOCK, headerChecksums } from './tar-header.ts';

const utf8 = new TextEncoder();

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

function makeHeader(
  nameField: Uint8Array,
  typeflag: string,
  size: number,
  style: TarStyle,
  isDir: boolean,
  prefix?: Uint8Array,
): Uint8Array {
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
        const paxData = joinBytes(paxRecords);
        const baseName = fullName.replace(/\/$/, '').split('/').pop() ?? 'entry';
        parts.push(makeHeader(utf8.encode(`PaxHeader/${baseName}`).subarray(0, 100), 'x', paxData.length, style, false), padded(paxData));
      }
    }
    parts.push(makeHeader(nameField, typeflag, headerSize, style, isDir, prefix));
    if (data.length > 0) parts.push(padded(data));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  const total = parts.reduce((n, p) => n + p.length, 0);
  // GNU tar pads to its default 20-block record.
  return joinBytes(parts, style === 'gnu' ? Math.ceil(total / 10240) * 10240 : total);
}
