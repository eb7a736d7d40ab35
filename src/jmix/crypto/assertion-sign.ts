// Signing entity assertions as jmix-rs and jmix-php write them, for the fixture packer.
import { bytesToBase64, utf8Encode } from './bytes.ts';
import { ed25519PublicKey, fingerprint, signEd25519 } from './ed25519.ts';
import { isObject, signedMessagePhp, signedMessagesRs, type AssertionRole, type Json } from './assertion-canonical.ts';

function entityOf(manifest: Json, role: AssertionRole, index: number): Json {
  const e = role === 'receiver' ? ((manifest['receiver'] ?? manifest['receivers']) as unknown[] | undefined)?.[index] : manifest[role];
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
  const signingKey = {
    alg: 'Ed25519',
    public_key: bytesToBase64(pub),
    fingerprint: fingerprint(pub, args.style === 'rs' ? 'lower' : 'upper'),
  };
  const expiry = args.expiresAt ? { expires_at: args.expiresAt } : {};
  return args.style === 'rs'
    ? { signing_key: signingKey, key_reference: null, signed_fields: fields, signature, ...expiry }
    : { signing_key: signingKey, signed_fields: fields, ...expiry, signature };
}
