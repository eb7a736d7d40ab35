// Byte/text encodings used by the envelope crypto. Decoders are tolerant where producers and users
// differ (whitespace, missing padding) but always say exactly which character is wrong and where.

/**
 * Web Crypto wants `BufferSource`, which current lib types do not accept for `Uint8Array<ArrayBufferLike>`
 * (what @noble and many APIs return). Narrow without copying when the buffer is a plain ArrayBuffer.
 */
export function bs(u: Uint8Array): Uint8Array<ArrayBuffer> {
  if (u.buffer instanceof ArrayBuffer) return u as Uint8Array<ArrayBuffer>;
  const copy = new Uint8Array(u.byteLength);
  copy.set(u);
  return copy;
}

export type Base64Alphabet = 'standard' | 'url' | 'either';

/** A base64 text could not be decoded; `position` is 1-based within the text as given. */
export class Base64Error extends Error {
  readonly position: number | null;
  readonly character: string | null;
  constructor(message: string, position: number | null = null, character: string | null = null) {
    super(message);
    this.name = 'Base64Error';
    this.position = position;
    this.character = character;
  }
}

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeTable(alphabet: Base64Alphabet): Int16Array {
  const t = new Int16Array(128).fill(-1);
  const sets = alphabet === 'standard' ? [STD] : alphabet === 'url' ? [URL_SAFE] : [STD, URL_SAFE];
  for (const set of sets) for (let i = 0; i < 64; i++) t[set.charCodeAt(i)] = i;
  return t;
}
const TABLES: Record<Base64Alphabet, Int16Array> = {
  standard: decodeTable('standard'),
  url: decodeTable('url'),
  either: decodeTable('either'),
};

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${ch}'`;
}

/**
 * Decode base64. Whitespace is skipped when `allowWhitespace` (default true); trailing '=' padding is
 * optional. Throws Base64Error naming the first bad character and its 1-based position.
 */
export function base64ToBytes(text: string, opts: { alphabet?: Base64Alphabet; allowWhitespace?: boolean } = {}): Uint8Array {
  const alphabet = opts.alphabet ?? 'either';
  const allowWs = opts.allowWhitespace ?? true;
  const table = TABLES[alphabet];
  const sextets: number[] = [];
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    if (allowWs && (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t')) continue;
    if (ch === '=') {
      padding++;
      continue;
    }
    const v = code < 128 ? (table[code] ?? -1) : -1;
    if (v < 0 || padding > 0) {
      const where = padding > 0 && v >= 0 ? " after '=' padding" : '';
      throw new Base64Error(`unexpected character ${describeChar(ch)} at position ${i + 1}${where}`, i + 1, ch);
    }
    sextets.push(v);
  }
  if (padding > 2) throw new Base64Error(`too much '=' padding (${padding} characters; at most 2)`);
  if (sextets.length % 4 === 1) {
    throw new Base64Error(
      `${sextets.length} base64 characters cannot be a whole number of bytes (the text is truncated or has an extra character)`,
    );
  }
  const out = new Uint8Array(Math.floor((sextets.length * 6) / 8));
  let o = 0;
  for (let i = 0; i < sextets.length; i += 4) {
    const a = sextets[i] ?? 0,
      b = sextets[i + 1] ?? 0,
      c = sextets[i + 2] ?? 0,
      d = sextets[i + 3] ?? 0;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = (n >> 16) & 0xff;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += alphabet[(n >> 18) & 63];
    s += alphabet[(n >> 12) & 63];
    s += rest > 1 ? alphabet[(n >> 6) & 63] : pad ? '=' : '';
    s += rest > 2 ? alphabet[n & 63] : pad ? '=' : '';
  }
  return s;
}

/** Standard alphabet, padded: what every JMIX producer writes in manifests. */
export function bytesToBase64(bytes: Uint8Array): string {
  return encode(bytes, STD, true);
}

/** base64url without padding (JWS). */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

/** base64url as JWS requires: url alphabet, no whitespace; '=' padding tolerated. */
export function base64UrlToBytes(text: string): Uint8Array {
  return base64ToBytes(text, { alphabet: 'url', allowWhitespace: false });
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new Error(`hex text has an odd number of digits (${hex.length})`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const pair = hex.slice(i * 2, i * 2 + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
      const bad = /[0-9a-fA-F]/.test(pair[0] ?? '') ? 1 : 0;
      throw new Error(`unexpected character '${pair[bad]}' at position ${i * 2 + bad + 1} of hex text`);
    }
    out[i] = parseInt(pair, 16);
  }
  return out;
}

const encoder = new TextEncoder();

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict by default: invalid UTF-8 throws rather than turning into U+FFFD. */
export function utf8Decode(bytes: Uint8Array, opts: { fatal?: boolean } = {}): string {
  return new TextDecoder('utf-8', { fatal: opts.fatal ?? true, ignoreBOM: true }).decode(bytes);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return joinBytes(parts);
}

/**
 * The parts one after another in `length` bytes (their total by default; zeros fill the rest). Takes a
 * list, not arguments: an archive may have more parts than a call has room for.
 */
export function joinBytes(parts: readonly Uint8Array[], length = parts.reduce((n, p) => n + p.length, 0)): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Equality whose running time depends only on the lengths, not on where the bytes differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function isAllZero(u: Uint8Array): boolean {
  let acc = 0;
  for (const b of u) acc |= b;
  return acc === 0;
}
