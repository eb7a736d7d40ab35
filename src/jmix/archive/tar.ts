// Tar reading: a push parser over the headers of tar-header.ts, and the whole-buffer reader on it.
import type { Problem } from '../types.ts';
import { printable } from '../paths.ts';
import { isAllZero } from '../crypto/bytes.ts';
import {
  BLOCK,
  cString,
  entryType,
  headerChecksums,
  latin1,
  MAX_META_BYTES,
  NO_DATA_TYPES,
  parsePax,
  parseTarNumber,
  type TarEntry,
  type TarEntryHeader,
  type TarReadResult,
} from './tar-header.ts';

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
      const storedText =
        stored === null ? `unreadable "${latin1.decode(header.subarray(148, 156)).replace(/\0/g, '\\0')}"` : String(stored);
      this.error(
        `${where}: header checksum mismatch (stored ${storedText}, computed ${unsigned}). The archive is damaged${this.headerNo === 1 ? ' or is not a tar archive' : ''}; nothing from this header on can be read.`,
      );
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
        this.error(
          `${where}: a ${typeflag === 'L' || typeflag === 'K' ? 'long-name' : 'PAX'} header of ${dataLength} bytes is far larger than any real one; the archive is damaged or hostile.`,
        );
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
      else if (typeflag === 'x' || typeflag === 'X')
        this.pax = { ...this.pax, ...parsePax(data, this.where(), this.problems, this.origin) };
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
        this.error(
          `${this.where()}: only ${this.headerFill} of its 512 header bytes are present; the archive is truncated (${BLOCK - this.headerFill} bytes missing).`,
        );
      }
    } else if (this.mode === 'data' || this.mode === 'meta') {
      const available = this.dataLength - this.remaining;
      this.error(
        `${where} ("${this.current!.name}"): declares ${this.dataLength} bytes of data but only ${available} remain; the archive is truncated (${this.remaining} bytes missing).`,
      );
    } else if (this.mode === 'skip') {
      this.mode = 'header'; // missing padding after the last entry: its data is whole
    }
    if (this.mode !== 'failed' && this.pendingMeta) {
      this.problems.push({
        severity: 'error',
        file: this.origin,
        pointer: '',
        message: `${this.origin}: the archive ends after a long-name/PAX header with no entry for it to describe; it is truncated.`,
      });
    } else if (this.mode !== 'failed' && this.mode !== 'ended' && this.offset > 0) {
      this.problems.push({
        severity: 'warning',
        file: this.origin,
        pointer: '',
        message: `${this.origin}: the archive ends without the zero blocks that close a tar file; it may have been cut off after entry "${this.lastEntryName ?? '(none)'}".`,
      });
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
