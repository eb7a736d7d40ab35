// The payload cipher all three producers share: X25519 -> HKDF-SHA256 (empty salt) -> AES-256-GCM,
// 12-byte IV, 16-byte tag kept in the manifest, no AAD. Only the HKDF info string differs, and the
// GCM tag is what tells us which producer wrote the envelope.
import type { EncryptionInfo } from '../types.ts';
import { Base64Error, base64ToBytes, bs, bytesToBase64, concatBytes } from './bytes.ts';
import { deriveAes256Key, hkdfAes256Key, hkdfInputKey } from './kdf.ts';
import { generateX25519KeyPair, KeyAgreementError } from './x25519.ts';

export type Producer = 'jmix-js' | 'jmix-rs' | 'jmix-php';

export const HKDF_INFO: Readonly<Record<Producer, string>> = {
  'jmix-js': 'JMIX-Payload-Encryption',
  'jmix-rs': 'JMIX-AES256-GCM',
  'jmix-php': 'JMIX-payload-encryption',
};

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export class DecryptError extends Error {
  readonly reason: 'auth-failed' | 'bad-parameters';
  /** The HKDF info strings tried, in order (empty when the parameters were unusable). */
  readonly tried: string[];
  constructor(reason: 'auth-failed' | 'bad-parameters', message: string, tried: string[] = []) {
    super(message);
    this.name = 'DecryptError';
    this.reason = reason;
    this.tried = tried;
  }
}

export interface DecryptResult {
  plaintext: Uint8Array;
  infoString: string;
  producer: Producer;
  tagSource: 'manifest' | 'file-tail';
}

/**
 * Which producer to try first. `payload.enc` is only written by jmix-rs; js-style manifest keys mean
 * jmix-js. Otherwise the envelope has spec keys and `payload.encrypted`, which among the producers only
 * jmix-php writes, so php goes first (INTEROP §3 lists js first here; each wrong guess costs a full
 * decrypt pass, so we put the likeliest first).
 */
export function defaultOrder(hints: { ciphertextName: string; manifestLooksJs: boolean }): Producer[] {
  const base = hints.ciphertextName.split('/').pop()?.toLowerCase() ?? '';
  if (base.endsWith('.enc')) return ['jmix-rs', 'jmix-js', 'jmix-php'];
  if (hints.manifestLooksJs) return ['jmix-js', 'jmix-php', 'jmix-rs'];
  return ['jmix-php', 'jmix-js', 'jmix-rs'];
}

function decodeField(value: string | null | undefined, field: string, expected: number): Uint8Array {
  if (value == null || value === '') {
    throw new DecryptError(
      'bad-parameters',
      `security.encryption.${field} is missing from the manifest; it must be ${expected} bytes in base64.`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(value);
  } catch (e) {
    const why = e instanceof Base64Error ? e.message : String(e);
    throw new DecryptError('bad-parameters', `security.encryption.${field} in the manifest is not valid base64: ${why}.`);
  }
  if (bytes.length !== expected) {
    throw new DecryptError(
      'bad-parameters',
      `security.encryption.${field} decodes to ${bytes.length} bytes; AES-256-GCM in JMIX uses ${expected === 32 ? 'a 32-byte X25519 ephemeral public key' : `a ${expected}-byte ${field === 'iv' ? 'IV' : 'tag'}`}. The manifest is damaged or was not written by a JMIX producer.`,
    );
  }
  return bytes;
}

/** The manifest's encryption block, checked and decoded (the same checks as decryptPayload). */
export function parseEncryptionParams(encryption: EncryptionInfo): { ephemeral: Uint8Array; iv: Uint8Array; tag: Uint8Array | null } {
  const algo = (encryption.algorithm ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (algo !== 'AES256GCM') {
    throw new DecryptError(
      'bad-parameters',
      `security.encryption.algorithm is "${encryption.algorithm}"; every JMIX producer uses "AES-256-GCM", which is the only algorithm this viewer can decrypt.`,
    );
  }
  return {
    ephemeral: decodeField(encryption.ephemeralPublicKey, 'ephemeral_public_key', 32),
    iv: decodeField(encryption.iv, 'iv', IV_BYTES),
    tag: encryption.authTag != null && encryption.authTag !== '' ? decodeField(encryption.authTag, 'auth_tag', TAG_BYTES) : null,
  };
}

/** An AES-256-GCM CryptoKey over derived key bytes. */
function aesGcmKey(raw: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', bs(raw), { name: 'AES-GCM' }, false, [usage]);
}

/** Runs a key agreement step; an unusable key (KeyAgreementError) becomes DecryptError('bad-parameters'). */
export async function asDecryptError<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof KeyAgreementError) throw new DecryptError('bad-parameters', e.message);
    throw e;
  }
}

/** No info string tried authenticated the payload. `note` says how the tag was found, where that matters. */
export function authFailedError(tried: string[], note = ''): DecryptError {
  return new DecryptError(
    'auth-failed',
    `The payload could not be decrypted: either the key is not the recipient key for this envelope, or the encrypted payload was altered or damaged. AES-GCM cannot tell these apart. Tried HKDF info strings: ${tried.map((t) => `"${t}"`).join(', ')}${note}.`,
    tried,
  );
}

/**
 * Decrypt an envelope payload, trying each producer's HKDF info string in `order`.
 * Throws DecryptError; on failure nothing decrypted is returned (GCM verifies before releasing bytes).
 */
export async function decryptPayload(args: {
  ciphertext: Uint8Array;
  encryption: EncryptionInfo;
  privateKey: Uint8Array;
  order?: Producer[];
}): Promise<DecryptResult> {
  const { ciphertext, encryption, privateKey } = args;
  const order = args.order ?? ['jmix-js', 'jmix-php', 'jmix-rs'];
  const { ephemeral, iv, tag } = parseEncryptionParams(encryption);
  let sealed: Uint8Array<ArrayBuffer>;
  let tagSource: DecryptResult['tagSource'];
  if (tag) {
    sealed = concatBytes(ciphertext, tag); // Web Crypto expects ciphertext || tag
    tagSource = 'manifest';
  } else {
    if (ciphertext.length < TAG_BYTES) {
      throw new DecryptError(
        'bad-parameters',
        `security.encryption.auth_tag is missing and the encrypted payload is only ${ciphertext.length} bytes, too short to carry a ${TAG_BYTES}-byte tag at its end.`,
      );
    }
    sealed = bs(ciphertext);
    tagSource = 'file-tail';
  }
  if (privateKey.length !== 32) {
    throw new DecryptError('bad-parameters', `The recipient private key is ${privateKey.length} bytes; an X25519 private key is 32 bytes.`);
  }

  const ikm = await asDecryptError(() => hkdfInputKey(privateKey, ephemeral));
  const tried: string[] = [];
  for (const producer of order) {
    const info = HKDF_INFO[producer];
    tried.push(info);
    const key = await aesGcmKey(await hkdfAes256Key(ikm, info), 'decrypt');
    try {
      const plain = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: bs(iv), tagLength: 128 }, key, sealed);
      return { plaintext: new Uint8Array(plain), infoString: info, producer, tagSource };
    } catch {
      // OperationError = tag mismatch: wrong key, wrong info string, or altered bytes. Try the next.
    }
  }
  throw authFailedError(
    tried,
    tagSource === 'file-tail' ? ' (the manifest has no auth_tag, so the last 16 bytes of the file were used as the tag)' : '',
  );
}

/**
 * Encrypt as `producer` would, for a fresh ephemeral key. The tag is returned in `encryption.auth_tag`
 * and NOT appended to the ciphertext, as every producer stores it.
 */
export async function encryptPayload(
  plaintext: Uint8Array,
  recipientPublicKey: Uint8Array,
  producer: Producer,
): Promise<{
  ciphertext: Uint8Array;
  encryption: { algorithm: 'AES-256-GCM'; ephemeral_public_key: string; iv: string; auth_tag: string };
}> {
  const eph = generateX25519KeyPair();
  const key = await aesGcmKey(await deriveAes256Key(eph.privateKey, recipientPublicKey, HKDF_INFO[producer]), 'encrypt');
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, key, bs(plaintext)));
  return {
    ciphertext: sealed.slice(0, sealed.length - TAG_BYTES),
    encryption: {
      algorithm: 'AES-256-GCM',
      ephemeral_public_key: bytesToBase64(eph.publicKey),
      iv: bytesToBase64(iv),
      auth_tag: bytesToBase64(sealed.slice(sealed.length - TAG_BYTES)),
    },
  };
}
