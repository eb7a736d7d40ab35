// What every stage of openEnvelope shares: the options, the clock, the hasher, progress, and the
// findings gathered so far. Stages add checks and problems here and return their own typed result.
import { append } from '../../common/arrays.ts';
import { throwIfAborted, type OpenOptions, type Progress } from '../api.ts';
import { inThreadHasher, type Hasher } from '../hash.ts';
import { readJson } from '../json.ts';
import { validate, type Schema } from '../schema.ts';
import type { Check, Problem } from '../types.ts';

export interface OpenContext {
  readonly options: OpenOptions;
  readonly signal: AbortSignal | undefined;
  readonly hasher: Hasher;
  readonly now: Date;
  readonly checks: Check[];
  readonly problems: Problem[];
  /** Differences from the published schemas, gathered across files; one `schema` check at the end. */
  readonly schemaProblems: Problem[];
  progress(p: Progress): void;
  /** Record problems found by a reader (appended by loop: there may be very many). */
  note(problems: readonly Problem[]): void;
  abortIfCancelled(): void;
}

export function createContext(options: OpenOptions): OpenContext {
  const ctx: OpenContext = {
    options,
    signal: options.signal,
    hasher: options.hasher ?? inThreadHasher,
    now: options.now ?? new Date(),
    checks: [],
    problems: [],
    schemaProblems: [],
    progress: (p) => options.onProgress?.(p),
    note: (problems) => void append(ctx.problems, problems),
    abortIfCancelled: () => throwIfAborted(options.signal),
  };
  return ctx;
}

export function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= fn());
}

/**
 * A JSON list document (audit.json, files.json): read, normalised and checked against its schema.
 * `damage` says why it could not be used in full (unreadable, no list, skipped entries): its check warns.
 */
export async function readListDocument<T>(
  bytes: Uint8Array,
  file: string,
  normalise: (value: unknown, sink: Problem[]) => T,
  schema: Schema,
  ctx: OpenContext,
): Promise<{ value: T | null; raw: unknown; damage: string[] }> {
  const r = readJson(bytes, file);
  ctx.note(r.problems);
  if (!r.ok) return { value: null, raw: null, damage: r.problems.map((p) => p.message) };
  const sink: Problem[] = [];
  const value = normalise(r.value, sink);
  ctx.note(sink);
  append(ctx.schemaProblems, validate(r.value, schema, file));
  return { value, raw: r.value, damage: sink.map((p) => p.message) };
}
