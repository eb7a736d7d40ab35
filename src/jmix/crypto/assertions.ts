// Entity assertions (sender/requester/receiver[i].assertion): Ed25519 over the canonical JSON of
// assertion-canonical.ts, checked the way an opener does (INTEROP §7b).
import { base64ToBytes, utf8Encode } from './bytes.ts';
import { fingerprint, verifyEd25519 } from './ed25519.ts';
import { isObject, signedMessagePhp, signedMessagesRs, type AssertionRole, type Json } from './assertion-canonical.ts';

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
    return result(
      'unverifiable',
      `unsupported algorithm "${alg}"`,
      `signing_key.alg is "${alg}"; JMIX assertions use Ed25519, the only algorithm checked here.`,
    );
  }
  const pub = decodeB64(sk['public_key']);
  if (!pub || pub.length !== 32) {
    return result(
      'fail',
      'bad public key',
      `signing_key.public_key ${pub ? `decodes to ${pub.length} bytes` : 'is not valid base64'}; an Ed25519 public key is 32 bytes.`,
    );
  }
  const sig = decodeB64(a['signature']);
  if (!sig || sig.length !== 64) {
    return result(
      'fail',
      'bad signature encoding',
      `signature ${sig ? `decodes to ${sig.length} bytes` : 'is missing or not valid base64'}; an Ed25519 signature is 64 bytes of standard base64.`,
    );
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
  const phpBound = Object.entries(php.values)
    .filter(([, v]) => v !== null)
    .map(([k]) => k);

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
    title =
      phpBound.length === 0
        ? 'signature valid but binds no manifest values (jmix-php path bug)'
        : 'signature valid over jmix-php path resolution (jmix-php path bug)';
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
