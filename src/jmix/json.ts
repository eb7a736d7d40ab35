// Reading the envelope's JSON files defensively: strict UTF-8, a size and depth limit, BOM tolerated
// with a warning, and every failure turned into a Problem that names the file and the place.
import type { Problem } from './types.ts';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './limits.ts';

export type JsonObject = Record<string, unknown>;

export type JsonRead =
  | { ok: true; value: unknown; problems: Problem[] }
  | { ok: false; problems: Problem[] };

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function readJson(bytes: Uint8Array, file: string): JsonRead {
  const problems: Problem[] = [];
  if (bytes.length > MAX_JSON_BYTES) {
    return fail(file, `${file} is ${bytes.length.toLocaleString('en')} bytes, over the ${MAX_JSON_BYTES.toLocaleString('en')}-byte limit for JSON files. A genuine ${file} is a few kilobytes; this file is not one.`);
  }
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    body = bytes.subarray(3);
    problems.push({ severity: 'warning', file, pointer: '', message: `${file} starts with a UTF-8 byte-order mark; it was ignored.` });
  }
  let text: string;
  try {
    text = utf8Strict.decode(body);
  } catch {
    const at = firstInvalidUtf8(body);
    return fail(file, `${file} is not valid UTF-8 (first bad byte at offset ${at}). JSON must be UTF-8: the file is damaged or is not a JMIX ${file}.`);
  }
  const depth = maxNesting(text);
  if (depth > MAX_JSON_DEPTH) {
    return fail(file, `${file} nests ${depth} levels deep, over the limit of ${MAX_JSON_DEPTH}. No JMIX file needs that; it was not read.`);
  }
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value, problems };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return fail(file, `${file} is not valid JSON (${msg}). The file is damaged or was edited by hand.`);
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(file: string, message: string): JsonRead {
  return { ok: false, problems: [{ severity: 'error', file, pointer: '', message }] };
}

/** Bracket depth outside strings: cheap, and it runs before JSON.parse can recurse. */
function maxNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Offset of the first byte that breaks UTF-8 (lead/continuation structure and overlongs). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return b.length;
}

/** RFC 6901 pointer segment escaping. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
