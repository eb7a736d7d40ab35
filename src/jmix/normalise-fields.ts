// The readers every normaliser shares: typed reads that turn wrong types into problems, never throws.
import { isObject, pointer, type JsonObject } from './json.ts';
import type { Problem } from './types.ts';

export type Sink = Problem[];

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

export function strArray(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str).filter((s): s is string => s !== null) : [];
}

export function obj(v: unknown): JsonObject | null {
  return isObject(v) ? v : null;
}

/** Per-entry problems shown in full for one list; the rest are counted in one closing line. */
export const MAX_ENTRY_PROBLEMS = 20;

/**
 * Problems about the entries of one list (audit entries, files.json entries, identifiers): the
 * first MAX_ENTRY_PROBLEMS in full, then one line counting the rest, so a list of 50,000 broken
 * entries is one finding in the report and not 50,000 lines.
 */
export function entryProblems(sink: Sink, file: string, at: string) {
  let count = 0;
  return {
    add(pointer: string, message: string): void {
      count++;
      if (count <= MAX_ENTRY_PROBLEMS) sink.push({ severity: 'warning', file, pointer, message });
    },
    close(what: string): void {
      if (count > MAX_ENTRY_PROBLEMS)
        sink.push({
          severity: 'warning',
          file,
          pointer: at,
          message: `${(count - MAX_ENTRY_PROBLEMS).toLocaleString('en')} more ${what} (only the first ${MAX_ENTRY_PROBLEMS} are listed one by one).`,
        });
    },
  };
}

/** Read a field, recording a problem when it exists with the wrong type. */
export function field(o: JsonObject, key: string, file: string, at: string, sink: Sink, want: 'string' | 'object' | 'array'): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key)) return undefined;
  const v = o[key];
  if (v === null) return null;
  const ok = want === 'string' ? typeof v === 'string' : want === 'array' ? Array.isArray(v) : isObject(v);
  if (!ok) {
    sink.push({
      severity: 'warning',
      file,
      pointer: at + pointer(key),
      message: `Expected ${want === 'array' ? 'an array' : want === 'object' ? 'an object' : 'a string'} but found ${describe(v)}; the value was ignored.`,
    });
    return undefined;
  }
  return v;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}
