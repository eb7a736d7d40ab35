// gunzip with a hard output limit. fflate's gunzipSync sizes its buffer from the stream's own
// trailer (attacker-controlled), so we stream instead and stop as soon as the limit is passed.
import { Gunzip } from 'fflate';
import { EnvelopeError } from '../api.ts';
import type { Problem } from '../types.ts';
import { COMPRESSION_RATIO_MIN_BYTES, formatBytes, MAX_COMPRESSION_RATIO, MAX_TOTAL_BYTES } from '../limits.ts';
import { crc32 } from './crc32.ts';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// Small input chunks bound what one push can emit (deflate expands at most ~1032:1, so 64 KiB in
// gives at most ~66 MiB out) before the limits below are checked.
const CHUNK = 1 << 16;

export function gunzipLimited(
  bytes: Uint8Array,
  origin: string,
  maxBytes: number = MAX_TOTAL_BYTES,
): { data: Uint8Array; problems: Problem[] } {
  // 10-byte header + 8-byte trailer: anything shorter is cut off (fflate waits for more, silently).
  if (bytes.length < 18) {
    throw new EnvelopeError(
      'corrupt-archive',
      `${origin}: the gzip file is only ${bytes.length} bytes, shorter than a gzip header and trailer; it is truncated (an incomplete download?). Download or copy it again.`,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let members = 1;
  let consumed = 0;
  const stream = new Gunzip();
  stream.ondata = (chunk) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new EnvelopeError(
        'limit',
        `${origin} decompresses to more than ${formatBytes(maxBytes)} (${maxBytes} bytes), the most this viewer unpacks; it was not opened.`,
      );
    }
    // The zip ratio limit, applied to the gzip stream as a whole: without it a few MiB of .tar.gz
    // could make us hold 4 GiB before the total limit stopped it.
    if (total > COMPRESSION_RATIO_MIN_BYTES && total / Math.max(consumed, 1) > MAX_COMPRESSION_RATIO) {
      throw new EnvelopeError(
        'limit',
        `${origin} expands more than ${MAX_COMPRESSION_RATIO}:1 (${formatBytes(consumed)} compressed had already produced ${formatBytes(total)}); the limit is ${MAX_COMPRESSION_RATIO}:1 above ${formatBytes(COMPRESSION_RATIO_MIN_BYTES)}. This looks like a compression bomb, so it was not unpacked.`,
      );
    }
    chunks.push(chunk);
  };
  stream.onmember = () => {
    members++;
  };
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const end = Math.min(at + CHUNK, bytes.length);
      consumed = end;
      stream.push(bytes.subarray(at, end), end === bytes.length);
    }
  } catch (e) {
    if (e instanceof EnvelopeError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    const hint = reason === 'unexpected EOF' ? 'the file is truncated (an incomplete download?)' : 'the compressed data is damaged';
    throw new EnvelopeError(
      'corrupt-archive',
      `${origin}: gzip decompression failed after ${total} bytes (${reason}): ${hint}. Download or copy it again.`,
    );
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  const problems: Problem[] = [];
  // A second gzip member (`cat a.gz b.gz`) is legal gzip, but tools disagree on it: gzip and this
  // reader join the members, others stop after the first. Two readings, so the structure fails.
  if (members > 1) {
    problems.push({
      severity: 'error',
      file: origin,
      pointer: '',
      fatal: true,
      message: `${origin}: the gzip file holds ${members} compressed streams one after another (a second gzip member was appended to the first). Tools that read only the first stream would see other contents than tools that join them, so no check can say which was sent. Ask the sender for the file compressed again, as one stream.`,
    });
  }
  // The trailer (CRC-32, size mod 2^32) covers one member; check it when there is just one.
  if (members === 1 && bytes.length >= 18) {
    const t = bytes.length - 8;
    const storedCrc = (bytes[t]! | (bytes[t + 1]! << 8) | (bytes[t + 2]! << 16) | (bytes[t + 3]! << 24)) >>> 0;
    const storedSize = (bytes[t + 4]! | (bytes[t + 5]! << 8) | (bytes[t + 6]! << 16) | (bytes[t + 7]! << 24)) >>> 0;
    const actualCrc = crc32(data);
    if (storedCrc !== actualCrc || storedSize !== total % 2 ** 32) {
      problems.push({
        severity: 'error',
        file: origin,
        pointer: '',
        message: `${origin}: the gzip checksum does not match the decompressed data (stored CRC ${storedCrc.toString(16).padStart(8, '0')}, computed ${actualCrc.toString(16).padStart(8, '0')}); the file is damaged.`,
      });
    }
  }
  return { data, problems };
}
