// Entity assertions (sender/requester/receiver[i].assertion): Ed25519 over a canonical JSON object
// keyed by the signed_fields strings. jmix-rs resolves the fields against the manifest; jmix-php
// resolves them against a wrapper {manifest: ...}, so its signatures cover nulls (INTEROP §7b).
import { base64ToBytes, bytesToBase64, utf8Encode } from './bytes.ts';
import { ed25519PublicKey, fingerprint, signEd25519, verifyEd25519 } from './ed25519.ts';

export type AssertionRole = 'sender' | 'requester' | 'receiver';
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

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

// --- verification -------------------------------------------------------------------------------

export interface AssertionCheckResult {
  status: 'pass' | 'fail' | 'warn' | 'not-present' | 'unverifiable';
  title: string;
  detail: string;
  data: Record<string, unknown>;
}

function roleLabel(role: AssertionRole, index: number | undefined): string {
  if (role === 'sender') return 'Sender';
  if (role === 'requester') return 'Requester';
  return `Receiver ${(index ?? 0) + 1}`;
}

function rolePointer(manifest: Json, role: AssertionRole, index: number | undefined): string {
  if (role !== 'receiver') return `/${role}/assertion`;
  const arr = Object.hasOwn(manifest, 'receiver') || !Object.hasOwn(manifest, 'receivers') ? 'receiver' : 'receivers';
  return `/${arr}/${index ?? 0}/assertion`;
}

function decodeB64(text: unknown): Uint8Array | null {
  if (typeof text !== 'string') return null;
  try {
    return base64ToBytes(text);
  } catch {
    return null;
  }
}

/** INTEROP §7b opener algorithm: rs canonicalisation, then the php wrapper-path fallback (warn). */
export async function verifyAssertion(args: {
  manifest: Json;
  role: AssertionRole;
  index?: number;
  entity: Json;
  now: Date;
}): Promise<AssertionCheckResult> {
  const { manifest, role, index, entity, now } = args;
  const who = roleLabel(role, index);
  const at = rolePointer(manifest, role, index);
  const a = entity['assertion'];
  if (a === undefined || a === null) {
    return { status: 'not-present', title: `${who}: no assertion`, detail: `manifest.json has no ${at}.`, data: { pointer: at } };
  }
  const result = (status: AssertionCheckResult['status'], title: string, detail: string, data: Json = {}) => ({
    status,
    title: `${who} assertion: ${title}`,
    detail: `${at}: ${detail}`,
    data: { pointer: at, ...data },
  });
  if (!isObject(a)) return result('fail', 'malformed', 'the assertion is not a JSON object.');

  const sk = a['signing_key'];
  const keyReference = typeof a['key_reference'] === 'string' ? a['key_reference'] : null;
  const attestation = a['directory_attestation'];
  const attestationNote =
    attestation !== undefined && attestation !== null
      ? ' A directory_attestation is present: directory attestation cannot be verified offline (no JMIX implementation defines how), so it is not relied on.'
      : '';
  const fields = a['signed_fields'];
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) {
    return result('fail', 'malformed', 'signed_fields is missing or is not a list of strings.');
  }
  if (!isObject(sk) || typeof sk['public_key'] !== 'string') {
    return result(
      'unverifiable',
      'no embedded public key',
      `the assertion embeds no signing_key.public_key${keyReference ? ` (it names key_reference "${keyReference}", which cannot be resolved offline)` : ''}, so its signature cannot be checked.${attestationNote}`,
      { keyReference },
    );
  }
  const alg = sk['alg'];
  if (typeof alg === 'string' && alg.toLowerCase() !== 'ed25519') {
    return result('unverifiable', `unsupported algorithm "${alg}"`, `signing_key.alg is "${alg}"; JMIX assertions use Ed25519, the only algorithm checked here.`);
  }
  const pub = decodeB64(sk['public_key']);
  if (!pub || pub.length !== 32) {
    return result('fail', 'bad public key', `signing_key.public_key ${pub ? `decodes to ${pub.length} bytes` : 'is not valid base64'}; an Ed25519 public key is 32 bytes.`);
  }
  const sig = decodeB64(a['signature']);
  if (!sig || sig.length !== 64) {
    return result('fail', 'bad signature encoding', `signature ${sig ? `decodes to ${sig.length} bytes` : 'is missing or not valid base64'}; an Ed25519 signature is 64 bytes of standard base64.`);
  }

  const computedFp = fingerprint(pub, 'lower');
  const claimedFp = typeof sk['fingerprint'] === 'string' ? sk['fingerprint'] : null;
  const fingerprintMatches = claimedFp === null ? null : claimedFp.toLowerCase() === computedFp.toLowerCase();

  // 1. rs: fields resolved against the manifest.
  const rs = signedMessagesRs(manifest, entity, fields as string[]);
  let style: 'rs' | 'php' | null = null;
  if (rs.ok) {
    for (const m of rs.messages) {
      if (await verifyEd25519(pub, utf8Encode(m), sig)) {
        style = 'rs';
        break;
      }
    }
  }
  // 2. php: fields resolved against {manifest}; most become null.
  const php = signedMessagePhp(manifest, fields as string[]);
  if (!style && (await verifyEd25519(pub, utf8Encode(php.message), sig))) style = 'php';

  const expiresAt = typeof a['expires_at'] === 'string' ? a['expires_at'] : null;
  const expiryTime = expiresAt ? Date.parse(expiresAt) : NaN;
  const expiryInvalid = expiresAt !== null && Number.isNaN(expiryTime);
  const expired = !expiryInvalid && expiresAt !== null && expiryTime < now.getTime();
  const phpBound = Object.entries(php.values).filter(([, v]) => v !== null).map(([k]) => k);

  const data: Json = {
    style,
    signedFields: fields,
    publicKey: sk['public_key'],
    fingerprint: computedFp,
    claimedFingerprint: claimedFp,
    fingerprintMatches,
    keyReference,
    expiresAt,
    expired,
    rsMessage: rs.ok ? rs.messages[0] : null,
    rsUnresolvable: rs.ok ? null : rs.why,
    phpMessage: php.message,
    directoryAttestation: attestation !== undefined && attestation !== null ? 'unverifiable' : null,
  };
  const keyText = `Key ${computedFp}${claimedFp && fingerprintMatches ? '' : claimedFp ? ` (the assertion claims ${claimedFp})` : ' (no fingerprint given)'}${keyReference ? `, key_reference "${keyReference}"` : ''}.`;
  const expiryText = expired
    ? ` The assertion expired on ${expiresAt} (checked at ${now.toISOString()}).`
    : expiryInvalid
      ? ` expires_at "${expiresAt}" is not a date.`
      : expiresAt
        ? ` Valid until ${expiresAt}.`
        : '';

  if (!style) {
    const rsText = rs.ok ? `jmix-rs canonicalisation ${rs.messages[0]}` : `jmix-rs canonicalisation not possible (${rs.why})`;
    return result(
      'fail',
      'signature does not verify',
      `the Ed25519 signature matches neither the ${rsText} nor the jmix-php canonicalisation ${php.message}. The signed values were changed after signing, or the signature was made with another key or scheme. ${keyText}${expiryText}${attestationNote}`,
      data,
    );
  }
  if (fingerprintMatches === false) {
    return result(
      'fail',
      'fingerprint does not match the public key',
      `the signature verifies with the embedded public key, but signing_key.fingerprint is ${claimedFp} while SHA-256 of that key is ${computedFp}. The key block was altered or assembled inconsistently. ${keyText}`,
      data,
    );
  }

  const warnings: string[] = [];
  let title: string;
  let detail: string;
  if (style === 'php') {
    title = phpBound.length === 0 ? 'signature valid but binds no manifest values (jmix-php path bug)' : 'signature valid over jmix-php path resolution (jmix-php path bug)';
    detail =
      `the signature verifies over ${php.message}: jmix-php resolved signed_fields against a wrapper object, so ` +
      (phpBound.length === 0
        ? 'every value is null and the signature binds no manifest values; the sender, ids and timestamp could be changed without breaking it.'
        : `only ${phpBound.join(', ')} bound real values; the other fields signed as null.`);
    warnings.push('php-path');
  } else if ((fields as string[]).length === 0) {
    title = 'signature valid but signs no fields';
    detail = 'signed_fields is empty, so the signature binds nothing in the manifest.';
    warnings.push('no-fields');
  } else {
    title = 'signature valid';
    detail = `the signature verifies over ${rs.ok ? rs.messages[0] : ''} (jmix-rs canonicalisation), binding ${(fields as string[]).join(', ')}.`;
  }
  if (expired) {
    title += `; expired on ${expiresAt}`;
    warnings.push('expired');
  } else if (expiryInvalid) {
    title += '; expiry date unreadable';
    warnings.push('expiry-invalid');
  }
  data['warnings'] = warnings;
  return result(warnings.length > 0 ? 'warn' : 'pass', title, `${detail} ${keyText}${expiryText}${attestationNote}`, data);
}

// --- signing (fixture packer) ---------------------------------------------------------------------

function entityOf(manifest: Json, role: AssertionRole, index: number): Json {
  const e = role === 'receiver' ? (((manifest['receiver'] ?? manifest['receivers']) as unknown[] | undefined)?.[index]) : manifest[role];
  if (!isObject(e)) throw new Error(`The manifest has no ${role === 'receiver' ? `receiver[${index}]` : role} object to sign for.`);
  return e;
}

/** The default signed_fields each producer writes. */
export function defaultSignedFields(style: 'rs' | 'php', role: AssertionRole, index = 0): string[] {
  const p = role === 'receiver' ? `receiver.${index}` : role;
  if (style === 'rs') return [`${p}.id`, `${p}.name`, 'manifest.id', 'timestamp'];
  const base = [`${p}.id`, `${p}.name`, `${p}.contact`];
  return role === 'sender' ? [...base, 'manifest_hash', 'id', 'timestamp'] : [...base, 'id', 'timestamp'];
}

/**
 * Build an assertion object as jmix-rs (key_reference null, lowercase fingerprint) or jmix-php
 * (uppercase fingerprint, no key_reference, signed over its null-resolving paths) writes it.
 * `seed32` may also be a 64-byte libsodium secret key.
 */
export function signAssertion(args: {
  manifest: Json;
  role: AssertionRole;
  index?: number;
  seed32: Uint8Array;
  style: 'rs' | 'php';
  signedFields?: string[];
  expiresAt?: string;
}): Json {
  const index = args.index ?? 0;
  const fields = args.signedFields ?? defaultSignedFields(args.style, args.role, index);
  const pub = ed25519PublicKey(args.seed32);
  let message: string;
  if (args.style === 'rs') {
    const rs = signedMessagesRs(args.manifest, entityOf(args.manifest, args.role, index), fields);
    if (!rs.ok) throw new Error(`Cannot sign the ${args.role} assertion: ${rs.why}.`);
    message = rs.messages[0]!;
  } else {
    message = signedMessagePhp(args.manifest, fields).message;
  }
  const signature = bytesToBase64(signEd25519(args.seed32, utf8Encode(message)));
  const signingKey = { alg: 'Ed25519', public_key: bytesToBase64(pub), fingerprint: fingerprint(pub, args.style === 'rs' ? 'lower' : 'upper') };
  const expiry = args.expiresAt ? { expires_at: args.expiresAt } : {};
  return args.style === 'rs'
    ? { signing_key: signingKey, key_reference: null, signed_fields: fields, signature, ...expiry }
    : { signing_key: signingKey, signed_fields: fields, ...expiry, signature };
}
