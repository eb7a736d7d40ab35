// Reading the envelope's JSON files defensively: strict UTF-8, a size and depth limit, BOM tolerated
// with a warning, and every failure turned into a Problem that names the file and the place.
import type { Problem } from './types.ts';
import { MAX_AUDIT_ENTRIES, MAX_FILES_JSON_ENTRIES, MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_RECEIVERS } from './limits.ts';

export type JsonObject = Record<string, unknown>;

export type JsonRead = { ok: true; value: unknown; problems: Problem[] } | { ok: false; problems: Problem[] };

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function readJson(bytes: Uint8Array, file: string): JsonRead {
  const problems: Problem[] = [];
  if (bytes.length > MAX_JSON_BYTES) {
    return fail(
      file,
      `${file} is ${bytes.length.toLocaleString('en')} bytes, over the ${MAX_JSON_BYTES.toLocaleString('en')}-byte limit for JSON files. A genuine ${file} is a few kilobytes; this file is not one.`,
    );
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
    return fail(
      file,
      `${file} is not valid UTF-8 (first bad byte at offset ${at}). JSON must be UTF-8: the file is damaged or is not a JMIX ${file}.`,
    );
  }
  const depth = maxNesting(text);
  if (depth > MAX_JSON_DEPTH) {
    return fail(file, `${file} nests ${depth} levels deep, over the limit of ${MAX_JSON_DEPTH}. No JMIX file needs that; it was not read.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return fail(file, `${file} is not valid JSON (${msg}). The file is damaged or was edited by hand.`);
  }
  const overLimit = listOverLimit(file, value);
  if (overLimit) return fail(file, overLimit);
  return { ok: true, value, problems };
}

/**
 * The lists a JMIX file holds that everything downstream walks item by item (normalising, schema
 * checks, one verification per signed item), with their limits. Checked here, before any of that
 * runs, so a file declaring a million of them stops with one message instead of a stalled open or
 * an exhausted stack.
 */
const LIST_LIMITS: { file: string; list: (v: unknown) => unknown; max: number; message: (n: string, max: string) => string }[] = [
  ...(['receiver', 'receivers'] as const).map((key) => ({
    file: 'manifest.json',
    list: (v: unknown) => (isObject(v) ? v[key] : undefined),
    max: MAX_RECEIVERS,
    message: (n: string, max: string) =>
      `manifest.json lists ${n} receivers, over the limit of ${max}. An envelope goes to one recipient or a few, and each receiver is checked on its own: this manifest is crafted or damaged, so the envelope was not opened. Ask the sender for a fresh copy.`,
  })),
  {
    file: 'audit.json',
    list: (v) => (isObject(v) ? v.audit : v),
    max: MAX_AUDIT_ENTRIES,
    message: (n, max) =>
      `audit.json lists ${n} audit entries, over the limit of ${max}. A real audit trail has a few events per hand-over; this one was not read, so the envelope is shown without its audit trail.`,
  },
  {
    file: 'payload/files.json',
    list: (v) => (isObject(v) ? v.files : v),
    max: MAX_FILES_JSON_ENTRIES,
    message: (n, max) =>
      `payload/files.json lists ${n} files, over the limit of ${max} (the most entries an envelope may hold). It was not read, so the per-file checks were skipped.`,
  },
];

function listOverLimit(file: string, value: unknown): string | null {
  for (const limit of LIST_LIMITS) {
    if (limit.file !== file) continue;
    const list = limit.list(value);
    if (Array.isArray(list) && list.length > limit.max)
      return limit.message(list.length.toLocaleString('en'), limit.max.toLocaleString('en'));
  }
  return null;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(file: string, message: string): JsonRead {
  return { ok: false, problems: [{ severity: 'error', file, pointer: '', message }] };
}

/**
 * Bracket depth outside strings: one loop (no recursion the file could drive), and it runs before
 * JSON.parse and the recursive schema check see the file.
 */
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
