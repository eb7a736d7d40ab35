// What an entity assertion signs: a canonical JSON object keyed by the signed_fields strings.
// jmix-rs resolves the fields against the manifest; jmix-php resolves them against a wrapper
// {manifest: ...}, so its signatures cover nulls (INTEROP §7b). Used to verify (assertions.ts) and
// to sign (assertion-sign.ts).

export type AssertionRole = 'sender' | 'requester' | 'receiver';
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Byte-wise UTF-8 order, which equals code point order (JS `<` compares UTF-16 units instead). */
export function compareUtf8(a: string, b: string): number {
  const ca = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const cb = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] !== cb[i]) return (ca[i] ?? 0) - (cb[i] ?? 0);
  }
  return ca.length - cb.length;
}

// --- field resolution --------------------------------------------------------------------------

export type Resolution = { ok: true; value: unknown } | { ok: false; why: string };

/** jmix-js writes different top-level names for the same things; used only when the spec name is absent. */
const JS_ALIASES: Record<string, string> = {
  id: 'envelope_id',
  timestamp: 'created_at',
  version: 'jmix_version',
  receiver: 'receivers',
};

function walk(root: unknown, segments: string[]): Resolution {
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur) && /^(0|[1-9][0-9]*)$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return { ok: false, why: `/${segments.join('/')} is not present` };
  }
  return { ok: true, value: cur };
}

function walkManifest(manifest: Json, segments: string[]): Resolution {
  const direct = walk(manifest, segments);
  if (direct.ok) return direct;
  const alias = JS_ALIASES[segments[0] ?? ''];
  if (alias && !Object.hasOwn(manifest, segments[0] ?? '') && Object.hasOwn(manifest, alias)) {
    return walk(manifest, [alias, ...segments.slice(1)]);
  }
  return direct;
}

/**
 * jmix-rs resolution: `manifest.id` is the envelope id; `entity.<path>` is relative to the entity;
 * anything else is the JSON pointer "/" + field with '.' -> '/'. A present null is null; absent is an error.
 */
export function resolveFieldRs(manifest: Json, entity: Json, field: string): Resolution {
  if (field === 'manifest.id') return walkManifest(manifest, ['id']);
  if (field.startsWith('entity.')) return walk(entity, field.slice('entity.'.length).split('.'));
  return walkManifest(manifest, field.split('.'));
}

/** jmix-php resolution: dot-walk the wrapper {manifest}, anything missing is null (the path bug). */
export function resolveFieldPhp(manifest: Json, field: string): unknown {
  const r = walk({ manifest }, field.split('.'));
  return r.ok ? (r.value ?? null) : null;
}

// --- canonicalisation ---------------------------------------------------------------------------

function stringify(v: unknown, o: { sortNested: boolean; php: boolean }): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    // PHP escapes the JS line terminators even with JSON_UNESCAPED_UNICODE; serde_json does not.
    return o.php ? s.replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029') : s;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => stringify(x, o)).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (o.php && keys.length === 0) return '[]'; // a decoded empty PHP array re-encodes as a list
    if (o.sortNested) keys.sort(compareUtf8);
    return `{${keys.map((k) => `${stringify(k, o)}:${stringify(v[k], o)}`).join(',')}}`;
  }
  return 'null';
}

function canonical(values: Json, o: { sortNested: boolean; php: boolean }): string {
  const keys = Object.keys(values).sort(compareUtf8);
  return `{${keys.map((k) => `${stringify(k, o)}:${stringify(values[k], o)}`).join(',')}}`;
}

/**
 * jmix-rs canonical bytes: compact JSON, top-level keys sorted byte-wise. serde_json's default map is
 * sorted, so nested objects are sorted too unless `nestedOrder: 'as-written'` (preserve_order builds).
 */
export function canonicalRs(values: Json, nestedOrder: 'sorted' | 'as-written' = 'sorted'): string {
  return canonical(values, { sortNested: nestedOrder === 'sorted', php: false });
}

/** jmix-php canonical bytes: ksort + json_encode(UNESCAPED_SLASHES|UNESCAPED_UNICODE). */
export function canonicalPhp(values: Json): string {
  return canonical(values, { sortNested: false, php: true });
}

/** The message(s) jmix-rs would have signed (two when nested key order matters), or why it cannot. */
export function signedMessagesRs(
  manifest: Json,
  entity: Json,
  fields: string[],
): { ok: true; messages: string[]; values: Json } | { ok: false; why: string } {
  const values: Json = {};
  for (const f of fields) {
    const r = resolveFieldRs(manifest, entity, f);
    if (!r.ok) return { ok: false, why: `signed field "${f}" cannot be resolved: ${r.why}` };
    values[f] = r.value;
  }
  const messages = [...new Set([canonicalRs(values, 'sorted'), canonicalRs(values, 'as-written')])];
  return { ok: true, messages, values };
}

export function signedMessagePhp(manifest: Json, fields: string[]): { message: string; values: Json } {
  const values: Json = {};
  for (const f of fields) values[f] = resolveFieldPhp(manifest, f);
  return { message: canonicalPhp(values), values };
}
