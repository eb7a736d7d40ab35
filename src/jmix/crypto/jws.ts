// manifest.jws: compact JWS, EdDSA/Ed25519. jmix-rs signs the exact manifest.json bytes; jmix-php signs
// a compact re-encoding of the manifest taken before payload_hash/encryption/jws were filled in.
// Neither records which key signed, so we try the user's keys, then the assertion keys in the manifest.
import { Base64Error, base64UrlToBytes, bytesToBase64, bytesToBase64Url, constantTimeEqual, utf8Decode, utf8Encode } from './bytes.ts';
import { fingerprint, signEd25519, verifyEd25519 } from './ed25519.ts';
import { append } from '../../common/arrays.ts';

export type JwsPart = 'structure' | 'header' | 'payload' | 'signature';

export class JwsFormatError extends Error {
  readonly part: JwsPart;
  /** The header says alg "none": an unsigned JWS. */
  readonly algNone: boolean;
  constructor(part: JwsPart, message: string, algNone = false) {
    super(message);
    this.name = 'JwsFormatError';
    this.part = part;
    this.algNone = algNone;
  }
}

export interface CompactJws {
  header: Record<string, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
  /** ASCII of `b64url(header) + '.' + b64url(payload)`, the bytes the signature covers. */
  signingInput: Uint8Array;
}

function decodePart(text: string, part: JwsPart): Uint8Array {
  try {
    return base64UrlToBytes(text);
  } catch (e) {
    const why = e instanceof Base64Error ? e.message : String(e);
    throw new JwsFormatError(
      part,
      `The JWS ${part} (part ${['header', 'payload', 'signature'].indexOf(part) + 1} of 3) is not valid base64url: ${why}.`,
    );
  }
}

/** Parse a compact JWS and insist on alg EdDSA (never 'none'). Errors name the malformed part. */
export function parseCompactJws(text: string): CompactJws {
  const compact = text.trim();
  const parts = compact.split('.');
  if (parts.length !== 3) {
    throw new JwsFormatError(
      'structure',
      `A compact JWS has 3 base64url parts separated by '.' (header.payload.signature); this one has ${parts.length}.`,
    );
  }
  const [h, p, s] = parts as [string, string, string];
  if (p === '')
    throw new JwsFormatError('payload', 'The JWS payload part is empty (detached payload); JMIX manifest.jws must carry the manifest.');
  const headerBytes = decodePart(h, 'header');
  let header: unknown;
  try {
    header = JSON.parse(utf8Decode(headerBytes));
  } catch {
    throw new JwsFormatError('header', 'The JWS header (part 1 of 3) decodes, but is not UTF-8 JSON.');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new JwsFormatError('header', 'The JWS header (part 1 of 3) is JSON but not an object.');
  }
  const hdr = header as Record<string, unknown>;
  const alg = hdr['alg'];
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    throw new JwsFormatError(
      'header',
      'The JWS header says alg "none": the manifest.jws is unsigned and proves nothing. JMIX signatures use "EdDSA" (Ed25519).',
      true,
    );
  }
  if (alg !== 'EdDSA') {
    throw new JwsFormatError(
      'header',
      `The JWS header says alg ${JSON.stringify(alg)}; JMIX manifest signatures use "EdDSA" (Ed25519), the only algorithm accepted.`,
    );
  }
  const payload = decodePart(p, 'payload');
  const signature = decodePart(s, 'signature');
  if (signature.length !== 64) {
    throw new JwsFormatError(
      'signature',
      `The JWS signature (part 3 of 3) is ${signature.length} bytes; an Ed25519 signature is 64 bytes.`,
    );
  }
  return { header: hdr, payload, signature, signingInput: utf8Encode(`${h}.${p}`) };
}

/** RFC 6901 pointers at which two JSON values differ (objects by key, arrays by index). */
export function jsonDiffPointers(a: unknown, b: unknown, pointer = ''): string[] {
  if (a === b) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) out.push(`${pointer}/${i}`);
      else append(out, jsonDiffPointers(a[i], b[i], `${pointer}/${i}`));
    }
    return out;
  }
  if (isObj(a) && isObj(b)) {
    const out: string[] = [];
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const p = `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (!Object.hasOwn(a, k) || !Object.hasOwn(b, k)) out.push(p);
      else append(out, jsonDiffPointers(a[k], b[k], p));
    }
    return out;
  }
  return [pointer];
}

/** Members jmix-php fills in after taking the snapshot it signs. */
const PHP_LATE_FIELDS = ['/security/payload_hash', '/security/encryption', '/security/jws'];
const isPhpLate = (p: string) => PHP_LATE_FIELDS.some((f) => p === f || p.startsWith(f + '/'));

/**
 * A late field may differ only if the signed snapshot had not filled it in yet (payload_hash "" or
 * absent, no encryption/jws block), as in a real jmix-php snapshot. Otherwise the signer did cover
 * it, and a different value is an edit after signing: without this, changing payload_hash in an
 * rs-style envelope (whose JWS covers it) only warned.
 */
function lateFieldUnsigned(signed: unknown, p: string): boolean {
  const sec = typeof signed === 'object' && signed !== null ? (signed as Record<string, unknown>).security : undefined;
  const s = typeof sec === 'object' && sec !== null ? (sec as Record<string, unknown>) : {};
  // A pre-finalisation snapshot has no payload hash yet; a signed manifest that has one is final.
  if (s.payload_hash !== undefined && s.payload_hash !== '') return false;
  if (p === '/security/encryption' || p.startsWith('/security/encryption/')) return s.encryption === undefined;
  if (p === '/security/jws' || p.startsWith('/security/jws/')) return s.jws === undefined;
  return true;
}

export interface JwsCheckResult {
  status: 'pass' | 'fail' | 'unverifiable' | 'warn';
  title: string;
  detail: string;
  data: Record<string, unknown>;
}

type Coverage =
  | { style: 'rs' }
  | { style: 'reserialised' }
  | { style: 'php'; fields: string[] }
  | { style: 'edited'; pointers: string[] }
  | { style: 'not-json'; why: string };

function compareCoverage(payload: Uint8Array, manifestBytes: Uint8Array): Coverage {
  if (constantTimeEqual(payload, manifestBytes)) return { style: 'rs' };
  let signed: unknown;
  try {
    signed = JSON.parse(utf8Decode(payload));
  } catch {
    return { style: 'not-json', why: 'the signed payload is not UTF-8 JSON' };
  }
  let current: unknown;
  try {
    current = JSON.parse(utf8Decode(manifestBytes));
  } catch {
    return { style: 'not-json', why: 'manifest.json is not UTF-8 JSON' };
  }
  const pointers = jsonDiffPointers(signed, current);
  if (pointers.length === 0) return { style: 'reserialised' };
  if (pointers.every((p) => isPhpLate(p) && lateFieldUnsigned(signed, p))) return { style: 'php', fields: pointers };
  return { style: 'edited', pointers };
}

function pointerList(ps: string[]): string {
  const shown = ps.slice(0, 20).join(', ');
  return ps.length > 20 ? `${shown} and ${ps.length - 20} more` : shown;
}

/**
 * Check manifest.jws: which key (if any) verifies it, then what it covers compared with manifest.json.
 * `candidateKeys` order matters: put user-supplied keys first, then the manifest's assertion keys.
 */
export async function verifyManifestJws(args: {
  jwsText: string;
  manifestBytes: Uint8Array;
  /** `trusted` marks the keys the user gave; the rest (carried in the envelope) prove intactness only. */
  candidateKeys: { label: string; publicKey: Uint8Array; trusted?: boolean }[];
}): Promise<JwsCheckResult> {
  let jws: CompactJws;
  try {
    jws = parseCompactJws(args.jwsText);
  } catch (e) {
    if (!(e instanceof JwsFormatError)) throw e;
    const unsigned = e.algNone;
    return {
      status: 'fail',
      title: unsigned ? 'manifest.jws is unsigned (alg "none")' : `manifest.jws is malformed (${e.part})`,
      detail: `manifest.jws: ${e.message}`,
      data: { part: e.part, verified: false },
    };
  }

  const seen = new Set<string>();
  const keys = args.candidateKeys.filter((k) => {
    const id = bytesToBase64(k.publicKey);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const keysTried = keys.map((k) => ({
    label: k.label,
    fingerprint: k.publicKey.length === 32 ? fingerprint(k.publicKey) : `(invalid: ${k.publicKey.length} bytes)`,
  }));
  let verifiedBy: { label: string; fingerprint: string; publicKey: string; trusted: boolean } | null = null;
  for (let i = 0; i < keys.length; i++) {
    if (await verifyEd25519(keys[i]!.publicKey, jws.signingInput, jws.signature)) {
      verifiedBy = { ...keysTried[i]!, publicKey: bytesToBase64(keys[i]!.publicKey), trusted: keys[i]!.trusted === true };
      break;
    }
  }

  const coverage = compareCoverage(jws.payload, args.manifestBytes);
  const data: Record<string, unknown> = {
    header: jws.header,
    verified: verifiedBy !== null,
    verifiedBy,
    keysTried,
    style: coverage.style,
    // The signature covers security.payload_hash only where it signed the final manifest holding it.
    coversPayloadHash: coverage.style === 'rs' || coverage.style === 'reserialised',
    differingPointers: coverage.style === 'php' ? coverage.fields : coverage.style === 'edited' ? coverage.pointers : [],
  };
  const headerText = JSON.stringify(jws.header);

  if (!verifiedBy) {
    // jmix-rs records its JWS key nowhere: a JWS whose payload is this manifest is "signed by a key
    // we were not given", not damage. Only a signed payload that contradicts manifest.json fails.
    if (coverage.style === 'edited' || coverage.style === 'not-json') {
      const why =
        coverage.style === 'edited' ? `manifest.json differs from the signed payload at ${pointerList(coverage.pointers)}` : coverage.why;
      return {
        status: 'fail',
        title: 'manifest.jws does not match manifest.json',
        detail: `Header ${headerText}. No key${keys.length ? ` of the ${keys.length} tried` : ''} verifies it, and ${why}: the manifest or its signature was changed after signing.`,
        data,
      };
    }
    const tried = keys.length ? ` Tried ${keys.length} key(s): ${keysTried.map((k) => `${k.label} (${k.fingerprint})`).join('; ')}.` : '';
    return {
      status: 'unverifiable',
      title: 'manifest.jws is signed by a key you have not given',
      detail:
        `Header ${headerText}. The signed payload is ${coverage.style === 'php' ? "jmix-php's pre-finalisation snapshot of" : ''} this manifest, but JMIX does not record which key signed it${keys.length ? ' and no key we have verifies it' : ''}.${tried} ` +
        "Paste the sender's Ed25519 public key (got from the sender by another route) to check it. Until then the signature proves nothing.",
      data,
    };
  }

  const by = `Verified with ${verifiedBy.label} (${verifiedBy.fingerprint}). Header ${headerText}.`;
  switch (coverage.style) {
    case 'rs':
      return {
        status: 'pass',
        title: 'manifest.jws valid (rs style: JWS covers the exact manifest bytes)',
        detail: `${by} The signed payload is byte-identical to manifest.json.`,
        data,
      };
    case 'reserialised':
      return {
        status: 'pass',
        title: 'manifest.jws valid (covers the manifest content, serialised differently)',
        detail: `${by} The signed payload is not byte-identical to manifest.json but has exactly the same JSON content.`,
        data,
      };
    case 'php':
      return {
        status: 'warn',
        title: 'manifest.jws valid, but covers a pre-finalisation snapshot of the manifest (php style)',
        detail:
          `${by} JWS covers a pre-finalisation snapshot of the manifest: it equals manifest.json except ${pointerList(coverage.fields)}, which jmix-php fills in after signing. ` +
          'Everything else in the manifest is covered; those fields are not.',
        data,
      };
    case 'edited':
      return {
        status: 'fail',
        title: 'manifest.jws valid, but the manifest was edited after signing',
        detail: `${by} manifest.json differs from the signed payload at ${pointerList(coverage.pointers)}.`,
        data,
      };
    case 'not-json':
      return {
        status: 'fail',
        title: 'manifest.jws is validly signed, but does not sign this manifest',
        detail: `${by} Cannot compare with manifest.json: ${coverage.why}.`,
        data,
      };
  }
}

const HEADERS = {
  rs: '{"alg":"EdDSA","typ":"JWS","crv":"Ed25519"}',
  php: '{"alg":"EdDSA","typ":"JWT"}',
} as const;

/**
 * Sign as a producer would. rs: pass the manifest.json bytes. php: pass the compact JSON of the
 * pre-finalisation manifest (payload_hash "", no encryption/jws), as jmix-php does.
 */
export function signManifestJws(manifest: Uint8Array | string, secret: Uint8Array, style: 'rs' | 'php'): string {
  const payload = typeof manifest === 'string' ? utf8Encode(manifest) : manifest;
  const signingInput = `${bytesToBase64Url(utf8Encode(HEADERS[style]))}.${bytesToBase64Url(payload)}`;
  return `${signingInput}.${bytesToBase64Url(signEd25519(secret, utf8Encode(signingInput)))}`;
}

/** The `typ` of a JWS's protected header, read leniently (a dialect fingerprint, not a check); null when unreadable. */
export function jwsHeaderTyp(jws: string): string | null {
  try {
    const h = JSON.parse(utf8Decode(base64UrlToBytes(jws.split('.')[0] ?? ''))) as unknown;
    return typeof h === 'object' && h !== null && typeof (h as Record<string, unknown>).typ === 'string'
      ? ((h as Record<string, unknown>).typ as string)
      : null;
  } catch {
    return null;
  }
}
